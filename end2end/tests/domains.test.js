// The foundation slice in a real browser: first login, domains created with live checks, the
// same forms without JavaScript, and a refused password.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, hydrated, launchBrowser, logIn, openPage, startRoster } from './support.js';

let roster;
let browser;

before(async () => {
  roster = await startRoster();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await roster?.stop();
});

test('the first Super User sets a password through the printed link and logs in', async () => {
  const { page, check, close } = await openPage(browser);
  await page.goto(roster.link);
  await hydrated(page);
  await page.fill('#password', 'short');
  await page.locator('#password').blur();
  await assert.doesNotReject(page.waitForSelector('#password-error:has-text("At least 15 characters")'));
  await page.fill('#password', ADMIN_PASSWORD);
  await page.fill('#confirm', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(/\/login\?password=set/), page.click('button[type=submit]')]);
  await logIn(page, roster.base);
  await page.waitForSelector('text=No domains yet');
  await check();
  await close();
});

test('a bad domain name is flagged when the field is left, before submitting, then the fixed form creates it', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await page.goto(`${roster.base}/domains/new`);
  await hydrated(page);
  let posts = 0;
  page.on('request', (r) => { if (r.method() === 'POST') posts += 1; });
  await page.locator('#domain').pressSequentially('acme corp');
  const error = page.locator('#domain-error');
  assert.equal(await error.textContent(), '', 'not while it is being typed');
  await page.locator('#domain').press('Tab');
  await assert.doesNotReject(error.filter({ hasText: 'not a space' }).waitFor());
  assert.equal(await page.locator('#domain').getAttribute('aria-invalid'), 'true');
  assert.equal(posts, 0, 'the check ran in the browser, nothing was sent');

  await page.fill('#domain', 'acme.example');
  await page.fill('#caller-id-number', '(612) 555-0100');
  await assert.doesNotReject(error.filter({ hasText: /^$/ }).waitFor({ state: 'attached' }));
  // A new domain goes on to its users, the next thing to add, and says what happened.
  await Promise.all([page.waitForURL(`${roster.base}/domains/acme.example/users?done=domain-created`), page.click('button:has-text("Create domain")')]);
  await hydrated(page);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The domain is created.")');
  await page.goto(`${roster.base}/domains`);
  await page.waitForSelector('table.list a:has-text("acme.example")');
  await check();
  await close();
});

test('a duplicate name comes back from the server as a conflict on the name field', async () => {
  const { page, check, close } = await openPage(browser, { allow: [/status of 409/] });
  await logIn(page, roster.base);
  await page.goto(`${roster.base}/domains/new`);
  await hydrated(page);
  await page.fill('#domain', 'acme.example');
  await page.click('button:has-text("Create domain")');
  await page.waitForSelector('#domain-error:has-text("already exists")');
  await check();
  await close();
});

test('without the WASM nothing is checked as it is typed (control for the hydration test)', async () => {
  const { page, close } = await openPage(browser);
  await logIn(page, roster.base);
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(`${roster.base}/domains/new`);
  await page.locator('#domain').pressSequentially('acme corp');
  await page.waitForTimeout(2000);
  assert.equal(await page.locator('body[data-hydrated]').count(), 0);
  assert.equal((await page.locator('#domain-error').textContent()).trim(), '');
  await close();
});

test('with JavaScript disabled the same forms log in, refuse bad input and create a domain', async () => {
  const { page, check, close } = await openPage(browser, { javaScriptEnabled: false });
  await logIn(page, roster.base);
  await page.goto(`${roster.base}/domains/new`);
  await page.fill('#domain', 'no js');
  await page.fill('#area-code', '42');
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/domains/new') && r.request().method() === 'GET'), page.click('button:has-text("Create domain")')]);
  assert.equal(page.url(), `${roster.base}/domains/new`, 'nothing typed rides in the address');
  assert.match(await page.locator('#domain-error').textContent(), /not a space/);
  assert.match(await page.locator('#area-code-error').textContent(), /100 to 999/);
  assert.equal(await page.locator('#domain').inputValue(), 'no js', 'what was typed is kept');

  await page.fill('#domain', 'nojs.example');
  await page.fill('#area-code', '212');
  await Promise.all([page.waitForURL(`${roster.base}/domains/nojs.example/users?done=domain-created`), page.click('button:has-text("Create domain")')]);
  await page.waitForSelector('.notice.ok:has-text("The domain is created.")');
  await page.goto(`${roster.base}/domains`);
  await page.waitForSelector('table.list a:has-text("nojs.example")');
  await check();
  await close();
});

test('a domain is edited and deleted', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await page.goto(`${roster.base}/domains/nojs.example`);
  await hydrated(page);
  assert.equal(await page.locator('#domain').getAttribute('readonly'), '');
  await page.fill('#description', 'Renamed office');
  await Promise.all([page.waitForURL(`${roster.base}/domains?done=domain-saved`), page.click('button:has-text("Save changes")')]);
  await page.waitForSelector('td:has-text("Renamed office")');
  await page.waitForSelector('.notice.ok[role=status]:has-text("The domain\'s settings are saved.")');
  await page.goto(`${roster.base}/domains/nojs.example`);
  await hydrated(page);
  await page.check('label.confirm input');
  await Promise.all([page.waitForURL(`${roster.base}/domains?done=domain-deleted`), page.click('button:has-text("Delete domain")')]);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The domain is deleted")');
  assert.equal(await page.locator('table.list a:has-text("nojs.example")').count(), 0);
  await check();
  await close();
});

test('each page names itself and its domain in the title, counts in words, and offers a skip link to its content', async () => {
  const { page, check, close } = await openPage(browser);
  await page.goto(`${roster.base}/login`);
  await hydrated(page);
  assert.equal(await page.title(), 'Log in · Roster');
  await logIn(page, roster.base);
  await hydrated(page);
  assert.equal(await page.title(), 'Domains · Roster');
  const caption = (await page.locator('table.list caption').textContent()).trim();
  assert.match(caption, /^(1 domain|\d+ domains)$/);
  // Moving within the app renames the tab as well.
  await Promise.all([page.waitForURL(`${roster.base}/domains/acme.example`), page.click('table.list a:has-text("acme.example")')]);
  await page.waitForFunction(() => document.title === 'Domain acme.example · Roster');
  // The first Tab reaches the skip link; following it puts the keyboard in the page's content.
  await page.goto(`${roster.base}/domains/acme.example/users`);
  await hydrated(page);
  assert.equal(await page.title(), 'Users of acme.example · Roster');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'content');
  await check();
  await close();
});

test('a wrong password is refused', async () => {
  const { page, check, close } = await openPage(browser, { allow: [/status of 401/] });
  await page.goto(`${roster.base}/login`);
  await hydrated(page);
  await page.fill('#login', 'admin');
  await page.fill('#password', 'certainly not the password');
  await page.click('button[type=submit]');
  await page.waitForSelector('text=Wrong login or password.');
  assert.match(page.url(), /\/login/);
  const nojs = await openPage(browser, { javaScriptEnabled: false });
  await nojs.page.goto(`${roster.base}/login`);
  await nojs.page.fill('#login', 'admin');
  await nojs.page.fill('#password', 'certainly not the password');
  await nojs.page.click('button[type=submit]');
  await nojs.page.waitForSelector('text=Wrong login or password.');
  await check();
  await nojs.check();
  await nojs.close();
  await close();
});

test('a visitor who types before the WASM arrives keeps the focus: hydration does not pull it to the first field', async () => {
  const { page, check, close } = await openPage(browser);
  // Hold the WebAssembly back until the visitor is in the password field.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(`${roster.base}/login`);
  await page.fill('#login', 'admin');
  await page.focus('#password');
  await page.keyboard.type(ADMIN_PASSWORD.slice(0, 5));
  release();
  await hydrated(page);
  // Whatever the page does once it runs happens within a frame or two of hydration.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'the focus stayed in the password');
  await page.keyboard.type(ADMIN_PASSWORD.slice(5));
  assert.equal(await page.inputValue('#login'), 'admin', 'nothing typed landed in the login');
  await Promise.all([page.waitForURL(`${roster.base}/domains`), page.keyboard.press('Enter')]);
  await check();
  await close();
});
