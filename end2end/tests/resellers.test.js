// Resellers in a real browser: a Super User adds one (each bad field named as typed, then by the
// server), a domain names it from the suggestions (a made-up one is refused on its field), the
// reseller's page counts its domains and refuses to delete it while one names it, and a
// reseller is changed and deleted without JavaScript too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hydrated, logIn, openPage, adminSuite } from './support.js';

const suite = adminSuite();

test('a reseller is added, named by a domain, counted, and not deleted while a domain names it', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 409/, /status of 422/] });
  await logIn(page, suite.roster.base);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/resellers$/), page.click('nav a:has-text("Resellers")')]);
  await hydrated(page);
  await page.waitForSelector('text=No resellers yet.');

  // A bad port is named as typed, with the model's own words.
  await page.fill('#reseller', 'North Telecom');
  await page.fill('#email-send-smtp-port', '70000');
  await page.locator('#description').focus();
  await page.waitForFunction(() => /from 1 to 65535/.test(document.querySelector('#email-send-smtp-port-error').textContent));
  await page.fill('#email-send-smtp-port', '587');
  await page.fill('#email-send-smtp-hostname', 'smtp.north.example');
  await page.fill('#email-send-smtp-password', 'relay secret');
  await Promise.all([page.waitForURL(/done=reseller-created$/), page.click('button:has-text("Add reseller")')]);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The reseller is created")');
  const row = page.locator('table.resellers tr:has(th a:text-is("North Telecom"))');
  await row.waitFor();
  assert.deepEqual((await row.locator('td').allTextContents()).map((t) => t.trim()), ['', '0 domains', '0 users', 'smtp.north.example:587']);

  // The same name in another case is the same reseller: refused on its field.
  await page.fill('#reseller', 'north telecom');
  await page.click('button:has-text("Add reseller")');
  await page.waitForFunction(() => /already exists/.test(document.querySelector('#reseller-error')?.textContent));

  // A domain names it from the suggestions; a made-up one is refused on its field.
  await page.goto(`${suite.roster.base}/domains/new`);
  await hydrated(page);
  assert.deepEqual(await page.locator('datalist#resellers option').evaluateAll((os) => os.map((o) => o.value)), ['North Telecom']);
  assert.equal(await page.getAttribute('#reseller', 'list'), 'resellers');
  await page.fill('#domain', 'north.example');
  await page.fill('#reseller', 'Made Up');
  await page.click('button:has-text("Create domain")');
  await page.waitForFunction(() => /No reseller is named Made Up/.test(document.querySelector('#reseller-error')?.textContent));
  await page.fill('#reseller', 'north telecom');
  await Promise.all([page.waitForURL(/done=domain-created$/), page.click('button:has-text("Create domain")')]);

  // Its page counts the domain, keeps the password unshown, and does not offer a delete.
  await page.goto(`${suite.roster.base}/resellers`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/resellers\/North%20Telecom$/), row.locator('a').click()]);
  await hydrated(page);
  await page.waitForSelector('text=1 domain name this reseller, with 0 users.');
  assert.equal(await page.inputValue('#email-send-smtp-password'), '');
  await page.waitForSelector('text=An SMTP password is stored.');
  assert.equal(await page.locator('button:has-text("Delete reseller")').count(), 0);
  assert.match(await page.locator('.danger-zone').textContent(), /1 domain name North Telecom/);
  assert.equal(await page.getAttribute('#reseller', 'readonly'), '');
  await page.fill('#description', 'Telecom of the North');
  await Promise.all([page.waitForURL(/done=reseller-saved$/), page.click('button:has-text("Save reseller")')]);
  await page.waitForSelector('table.resellers td:text-is("Telecom of the North")');
  await check();
  await close();
});

test('without JavaScript a reseller is added, changed and deleted', async () => {
  const { page, close } = await openPage(suite.browser, { javaScriptEnabled: false });
  await logIn(page, suite.roster.base);
  await page.goto(`${suite.roster.base}/resellers`);
  await page.fill('#reseller', 'South');
  await Promise.all([page.waitForURL(/done=reseller-created$/), page.click('button:has-text("Add reseller")')]);
  await page.goto(`${suite.roster.base}/resellers/South`);
  await page.fill('#description', 'Southern resale');
  await Promise.all([page.waitForURL(/done=reseller-saved$/), page.click('button:has-text("Save reseller")')]);
  await page.waitForSelector('table.resellers tr:has(th a:text-is("South")) td:text-is("Southern resale")');
  await page.goto(`${suite.roster.base}/resellers/South`);
  await page.check('.danger-zone label.confirm input');
  await Promise.all([page.waitForURL(/done=reseller-deleted$/), page.click('button:has-text("Delete reseller")')]);
  assert.equal(await page.locator('table.resellers th a:text-is("South")').count(), 0);
  await close();
});
