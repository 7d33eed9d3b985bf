// Bulk import and export of users in a real browser: a CSV file is read in the page, checked
// (every problem listed by row and field), imported with its progress shown, and exported back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, acceptLink, hydrated, launchBrowser, logIn, openPage, startRoster, callServer } from './support.js';

let roster;
let browser;

const HEADER = 'user,name-first-name,name-last-name,email,site,phone-numbers';

/** A file of `count` users from extension 2000 on, each with a number. */
function users(count) {
  const rows = [HEADER];
  for (let i = 0; i < count; i++) {
    rows.push(`${2000 + i},First${i},Last${i},user${i}@bulk.example,Site ${i % 3},+1 612 8${String(i).padStart(6, '0')}`);
  }
  return `${rows.join('\n')}\n`;
}

/** Calls a server function with the page's session; resolves to its JSON answer. */
const call = (page, endpoint, form) => callServer(page, roster.base, endpoint, form);

/** Chooses `text` as the CSV file and waits until the page has read it into the text box. */
async function chooseFile(page, text) {
  await page.setInputFiles('#csv-file', { name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.waitForFunction((length) => document.getElementById('csv').value.length === length, text.length);
}

before(async () => {
  roster = await startRoster();
  browser = await launchBrowser();
  const { page, close } = await openPage(browser);
  await acceptLink(page, roster.link, ADMIN_PASSWORD);
  await logIn(page, roster.base);
  await call(page, 'create-domain', { 'input[domain]': 'bulk.example', 'input[voicemail-enabled]': 'yes' });
  await close();
});

after(async () => {
  await browser?.close();
  await roster?.stop();
});

test('a file is checked, its problems listed by row, then imported with progress and exported', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await page.goto(`${roster.base}/domains/bulk.example/users`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/users\/import$/), page.click('a:has-text("Import or export (CSV)")')]);
  await hydrated(page);

  const bad = `${HEADER}\n2000,Ann,Lee,ann@bulk.example,,\n2001,Bo,Chan,not-an-address,,\n2000,Cy,Dunn,cy@bulk.example,,\n`;
  await chooseFile(page, bad);
  await Promise.all([page.waitForURL(/\?report=[0-9a-f]{32}&at=\d+$/), page.click('button:has-text("Check (dry run)")')]);
  await hydrated(page);
  await page.waitForSelector('#report-heading:has-text("Check")');
  const problems = await page.locator('table.problems tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(problems.map(([row, field]) => [row, field]), [
    ['3', 'E-mail (email)'],
    ['4', 'Extension (user)'],
    ['4', 'Portal login (login-username)'],
    ['4', 'SIP device (device)'],
  ]);
  assert.match(problems[1][2], /also on row 2/);

  const checked = page.url();
  const good = users(3000);
  await chooseFile(page, good);
  const [progress] = await Promise.all([
    page.waitForSelector('.import-progress', { state: 'attached' }).then(() => true),
    page.waitForURL((url) => url.href !== checked && url.search.includes('report='), { waitUntil: 'commit' }),
    page.click('button:has-text("Import")'),
  ]);
  assert.ok(progress, 'the page shows the import going');
  await hydrated(page);
  await page.waitForSelector('#report-heading:has-text("Imported")');
  assert.match(await page.locator('.report .notice').textContent(), /Created 3000 users\. No invitations went out yet/);
  // One action invites them all, and shows how far the messages have got (with no mail relay
  // set, each is kept in the outbox).
  await page.click('button:has-text("E-mail invitations to the imported users")');
  await page.waitForSelector('.invite-progress');
  assert.match(await page.locator('.invite-progress').textContent(), /Invitations to 3000 users/);
  await page.waitForSelector('.invite-progress:has-text("failed, 0 waiting")', { timeout: 120_000 });
  assert.match(await page.locator('.invite-progress').textContent(), /3000 kept in the outbox/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Export users (CSV)")')]);
  assert.equal(download.suggestedFilename(), 'bulk.example-users.csv');
  const exported = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(exported.length, 3001);
  assert.match(exported[1], /^2000,First0,Last0,,user0@bulk\.example,/);

  await Promise.all([page.waitForURL(/\/users$/), page.click('a:has-text("See the users")')]);
  await hydrated(page);
  await page.waitForSelector('caption:has-text("3000 users")');
  await check();
  await close();
});

test('without JavaScript, pasted text is checked and its report shown', async () => {
  const { page, check, close } = await openPage(browser, { javaScriptEnabled: false });
  await logIn(page, roster.base);
  await page.goto(`${roster.base}/domains/bulk.example/users/import`);
  await page.fill('#csv', `${HEADER}\n9000,Di,Eng,di@bulk.example,,\n`);
  await Promise.all([page.waitForURL(/\?report=/), page.click('button:has-text("Check (dry run)")')]);
  await page.waitForSelector('text=1 row checked: no problems.');
  // A row with a bad e-mail address and an extension the domain already has (imported above):
  // both are reported in the one pass, not the second only once the first is mended.
  await page.fill('#csv', `${HEADER}\n2000,Ed,Fox,not-an-address,,\n`);
  await page.click('button:has-text("Check (dry run)")');
  await page.waitForSelector('table.problems');
  const fields = await page.locator('table.problems tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(fields, ['E-mail (email)', 'Extension (user)']);
  await check();
  await close();
});
