// A domain's sites and departments page in a real browser: sites listed with their users, added,
// renamed (their users go with them) and deleted (the page says first what becomes of the users);
// departments with their counts. With JavaScript and without.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hydrated, logIn, openPage, adminSuite } from './support.js';

const suite = adminSuite();

const { call } = suite;

async function userIn(page, domain, user, site, department) {
  await call(page, 'create-user', {
    domain, 'input[user]': user, 'input[name-first-name]': 'Pat', 'input[name-last-name]': `Site${user}`,
    'input[email]': `p${user}@${domain}`, 'input[site]': site, 'input[department]': department,
  });
}

test('sites are listed with their users, added, renamed with their users and deleted saying what becomes of them', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 409/] });
  await logIn(page, suite.roster.base);
  await call(page, 'create-domain', { 'input[domain]': 'sites.example' });
  await userIn(page, 'sites.example', '101', 'HQ', 'Sales');
  await userIn(page, 'sites.example', '102', 'HQ', 'Support');
  await userIn(page, 'sites.example', '103', '', 'Sales');
  await page.goto(`${suite.roster.base}/domains/sites.example/users`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/sites$/), page.click('a:has-text("Sites and departments")')]);
  await hydrated(page);
  const row = (site) => page.locator(`table.sites tr:has(th a:text-is("${site}"))`);
  assert.equal((await row('HQ').locator('td').first().textContent()).trim(), '2 users');
  assert.deepEqual(await page.locator('table.departments tbody tr').allTextContents(), ['Sales2 users', 'Support1 user']);

  // Added; the same name again is refused on the field.
  await page.fill('#new-site', 'Warehouse');
  await Promise.all([page.waitForURL(/\/sites\?done=site-created$/), page.click('button:has-text("Add site")')]);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The site is created.")');
  assert.equal((await row('Warehouse').locator('td').first().textContent()).trim(), '0 users');
  await page.fill('#new-site', 'Warehouse');
  await page.click('button:has-text("Add site")');
  await page.waitForSelector('#new-site-error:not(:empty)');

  // In the wizard, a site typed in another case is a typo, flagged as typed, not a new site.
  await page.goto(`${suite.roster.base}/domains/sites.example/users/new`);
  await hydrated(page);
  assert.equal(await page.locator('#site-suggestions option[value="Warehouse"]').count(), 1, 'existing sites are offered');
  await page.evaluate(() => { document.querySelector('#site').value = 'warehouse'; document.querySelector('#site').dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction(() => /has a site Warehouse/.test(document.querySelector('#site-error').textContent));
  assert.equal(await page.locator('.steps li.troubled').count(), 1, 'its step is marked');
  await page.goto(`${suite.roster.base}/domains/sites.example/sites`);
  await hydrated(page);

  // Renamed: its users go with it.
  await row('HQ').locator('input[name="input[site]"]').fill('Head office');
  await Promise.all([page.waitForURL(/done=site-renamed$/), row('HQ').locator('button:has-text("Rename")').click()]);
  await page.waitForSelector('table.sites th a:text-is("Head office")');
  assert.equal((await row('Head office').locator('td').first().textContent()).trim(), '2 users');
  await page.goto(`${suite.roster.base}/domains/sites.example/users/101`);
  assert.match(await page.locator('dt:text-is("Site") + dd').textContent(), /Head office/);

  // Deleted: the page says first that its users stay, with no site.
  await page.goto(`${suite.roster.base}/domains/sites.example/sites`);
  await hydrated(page);
  assert.match(await row('Head office').locator('label.confirm').textContent(), /Its 2 users stay, with no site\./);
  await row('Head office').locator('label.confirm input').check();
  await Promise.all([page.waitForURL(/done=site-deleted$/), row('Head office').locator('button:has-text("Delete")').click()]);
  await page.waitForSelector('table.sites th a:text-is("Warehouse")');
  assert.equal(await row('Head office').count(), 0);
  await page.goto(`${suite.roster.base}/domains/sites.example/users/102`);
  assert.match(await page.locator('dt:text-is("Site") + dd').textContent(), /None/);
  await check();
  await close();
});

test('without JavaScript a site is added and deleted with the same forms', async () => {
  const { page, check, close } = await openPage(suite.browser, { javaScriptEnabled: false });
  await logIn(page, suite.roster.base);
  await call(page, 'create-domain', { 'input[domain]': 'sites-nojs.example' });
  await page.goto(`${suite.roster.base}/domains/sites-nojs.example/sites`);
  await page.waitForSelector('text=No sites yet');
  await page.fill('#new-site', 'Depot');
  await Promise.all([page.waitForURL(/done=site-created$/), page.click('button:has-text("Add site")')]);
  await page.locator('table.sites label.confirm input').check();
  await Promise.all([page.waitForURL(/done=site-deleted$/), page.click('table.sites button:has-text("Delete")')]);
  await page.waitForSelector('text=No sites yet');
  await check();
  await close();
});

test("a site's own settings are saved on its page and its users follow them before the domain's", async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 422/] });
  await logIn(page, suite.roster.base);
  await call(page, 'create-domain', { 'input[domain]': 'site-settings.example', 'input[time-zone]': 'America/New_York' });
  await call(page, 'create-site', { domain: 'site-settings.example', 'input[site]': 'Head office' });
  await userIn(page, 'site-settings.example', '101', 'Head office', '');
  await page.goto(`${suite.roster.base}/domains/site-settings.example/sites`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/sites\/Head%20office$/), page.click('table.sites a:has-text("Head office")')]);
  await hydrated(page);
  await page.waitForSelector('text=1 user in this site.');
  // A blank setting shows what it follows.
  assert.equal(await page.getAttribute('#time-zone', 'placeholder'), "The domain's: America/New_York");
  assert.match(await page.locator('#dial-policy option[value=""]').textContent(), /As the domain \(US & Canada/);

  // A bad value is named on its field, and nothing is saved.
  await page.fill('#time-zone', 'America/Chicago');
  await page.fill('#caller-id-number', '12');
  await page.click('button:has-text("Save site")');
  await page.waitForFunction(() => (document.querySelector('#caller-id-number-error')?.textContent ?? '').length > 0);
  await page.fill('#caller-id-number', '+1 312 555 0100');
  // Saved, it lands on the sites, which say what the site sets itself.
  await Promise.all([page.waitForURL(/\/sites\?done=site-saved$/), page.click('button:has-text("Save site")')]);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The site\'s settings are saved")');
  assert.equal(
    (await page.locator('table.sites tr:has(th a:text-is("Head office")) td').nth(1).textContent()).trim(),
    'Time zone: America/Chicago; Caller ID number: +13125550100',
  );
  await page.goto(`${suite.roster.base}/domains/site-settings.example/sites/Head%20office`);
  assert.equal(await page.inputValue('#caller-id-number'), '+13125550100');
  assert.equal(await page.inputValue('#time-zone'), 'America/Chicago');

  // Its user, with no time zone of its own, is in the site's.
  await page.goto(`${suite.roster.base}/domains/site-settings.example/users/101`);
  assert.match(await page.locator('dt:text-is("Time zone") + dd').textContent(), /America\/Chicago/);
  await check();
  await close();
});
