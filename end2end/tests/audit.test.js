// The audit log in a real browser: one short line per entry, whatever it changed (a create sets
// some forty fields), its changes folded and opened on demand into a before/after table; an
// import names the users it created; logins, failed logins and invitation use are there; and the
// page fits a phone without scrolling sideways.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { callServer, hydrated, logIn, openPage, startWithAdmin } from './support.js';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'screenshots');

let roster;
let browser;

before(async () => {
  ({ roster, browser } = await startWithAdmin());
  const { page, close } = await openPage(browser, { allow: [/401/] });
  // A failed login first, then the admin's own.
  await page.goto(`${roster.base}/login`);
  await hydrated(page);
  await page.fill('#login', 'admin');
  await page.fill('#password', 'not the password at all');
  await page.click('button[type=submit]');
  await page.waitForSelector('.form-error:not(:empty)');
  await logIn(page, roster.base);
  await callServer(page, roster.base, 'create-domain', { 'input[domain]': 'audit.example', 'input[voicemail-enabled]': 'yes' });
  await callServer(page, roster.base, 'create-user', {
    domain: 'audit.example',
    'input[user]': '3100', 'input[name-first-name]': 'Ada', 'input[name-last-name]': 'Lovelace',
    'input[email]': 'ada@audit.example', 'input[department]': 'Engineering',
  });
  const csv = 'user,name-first-name,name-last-name,email\n'
    + '3101,Bea,One,bea@audit.example\n3102,Cal,Two,cal@audit.example\n3103,Dee,Three,dee@audit.example\n';
  await callServer(page, roster.base, 'users/import', { domain: 'audit.example', csv, mode: 'import' });
  await close();
});

after(async () => {
  await browser?.close();
  await roster?.stop();
});

/** Each entry of the audit page shown: its cells' text, its height, and whether it is open. */
function rows(page) {
  return page.locator('table.audit > tbody > tr.entry').evaluateAll((trs) => trs.map((tr) => ({
    cells: [...tr.cells].map((c) => c.querySelector('summary')?.textContent ?? c.textContent),
    height: tr.getBoundingClientRect().height,
    open: Boolean(tr.querySelector('details[open]')),
  })));
}

test('the audit log shows one line per entry with its changes folded, and opens them on demand', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${roster.base}/audit`);
  await hydrated(page);

  const shown = await rows(page);
  const actions = shown.map((r) => r.cells[4]);
  for (const action of ['account.invitation-used', 'account.login-failed', 'account.login', 'domain.create', 'user.create', 'user.import']) {
    assert.ok(actions.includes(action), `${action} in ${actions}`);
  }
  const lineHeight = await page.locator('table.audit > thead > tr').evaluate((tr) => tr.getBoundingClientRect().height);
  for (const row of shown) {
    assert.ok(!row.open, `folded: ${row.cells}`);
    assert.ok(row.height <= lineHeight * 1.5 + 2, `one line (${row.height} px against a ${lineHeight} px header): ${row.cells}`);
  }
  const byAction = (action) => shown.find((r) => r.cells[4] === action);
  assert.match(byAction('user.create').cells[6], /^\d+ fields set: /);
  assert.equal(byAction('user.import').cells[6], 'users: 3101, 3102, 3103');
  assert.equal(byAction('user.import').cells[5], '3 users');
  assert.match(byAction('account.login-failed').cells[6], /reason: wrong password/);
  assert.equal(byAction('account.login-failed').cells[1], 'anonymous');

  // The table names its columns; each folded table too.
  const headers = await page.locator('table.audit > thead th[scope=col]').allTextContents();
  assert.deepEqual(headers, ['When', 'Who', 'From', 'Domain', 'Action', 'On', 'Changes']);

  // The changes are hidden until asked for.
  assert.equal(await page.locator('table.audit tr.diff-row').first().isVisible(), false);
  // Opening the create shows each field before and after, in a table of its own below the line.
  const create = page.locator('table.audit > tbody > tr.entry', { has: page.locator('td', { hasText: /^user\.create$/ }) });
  const summary = create.locator('summary');
  const controls = await summary.getAttribute('aria-controls');
  await summary.click();
  assert.equal(await create.locator('details[open]').count(), 1);
  const diff = page.locator(`#${controls} table`);
  await diff.waitFor({ state: 'visible' });
  assert.deepEqual(await diff.locator('thead th').allTextContents(), ['Field', 'Before', 'After']);
  const lastName = diff.locator('tbody tr', { has: page.locator('th', { hasText: /^name-last-name$/ }) });
  assert.deepEqual(await lastName.locator('td').allTextContents(), ['(none)', 'Lovelace']);
  assert.ok((await diff.boundingBox()).height > lineHeight * 5, 'opened, the entry shows its fields');
  // The opened table is in view, not pushed off to the side.
  const box = await diff.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 1280, JSON.stringify(box));
  await page.screenshot({ path: join(SHOTS, 'audit-opened-1280.png'), fullPage: true });
  await check(); // axe-core, with a diff open
  // And closes again.
  await summary.click();
  await diff.waitFor({ state: 'hidden' });

  // Filtering by one of the imported users finds the import.
  await page.goto(`${roster.base}/audit?user=3102`);
  await hydrated(page);
  const found = await rows(page);
  assert.deepEqual(found.map((r) => r.cells[4]), ['user.import']);

  // At a phone's width the page does not scroll sideways: the table scrolls inside itself.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${roster.base}/audit`);
  await hydrated(page);
  await page.locator('table.audit > tbody > tr.entry summary').first().click();
  await page.locator('table.audit tr.diff-row').first().waitFor({ state: 'visible' });
  await page.screenshot({ path: join(SHOTS, 'audit-opened-390.png'), fullPage: true });
  const width = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, window: window.innerWidth }));
  assert.ok(width.document <= width.window, `${width.document} > ${width.window}`);
  await check();
  await close();
});
