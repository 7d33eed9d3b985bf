// Who may do what, in a real browser: an office manager self-serves its own domain and no other,
// and a new user accepts its invitation, sets a password and edits its own profile.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, acceptLink, hydrated, launchBrowser, logIn, openPage, startRoster, callServer } from './support.js';

let roster;
let browser;
/** The office manager's invitation link, made by the Super User. */
let managerLink;

const MANAGER_PASSWORD = 'copper meadow violin sketch';
const NEW_USER_PASSWORD = 'marble quiet harbor tiger';

/** Calls a server function with the page's session; resolves to its JSON answer. */
const call = (page, endpoint, form) => callServer(page, roster.base, endpoint, form);

async function logInAs(page, login, password, landing) {
  await page.goto(`${roster.base}/login`);
  await hydrated(page);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(landing), page.click('button[type=submit]')]);
  await hydrated(page);
}

before(async () => {
  roster = await startRoster();
  browser = await launchBrowser();
  const { page, close } = await openPage(browser);
  await acceptLink(page, roster.link, ADMIN_PASSWORD);
  await logIn(page, roster.base);
  for (const domain of ['office.example', 'elsewhere.example']) {
    await call(page, 'create-domain', { 'input[domain]': domain, 'input[voicemail-enabled]': 'yes' });
  }
  await call(page, 'create-user', {
    domain: 'elsewhere.example',
    'input[user]': '300', 'input[name-first-name]': 'Other', 'input[name-last-name]': 'Person',
    'input[email]': 'other@elsewhere.example',
  });
  await call(page, 'create-user', {
    domain: 'office.example',
    'input[user]': '100', 'input[name-first-name]': 'Olga', 'input[name-last-name]': 'Manning',
    'input[email]': 'olga@office.example',
    'input[user-scope]': 'Office Manager',
  });
  // The invitation waits in the creator's session, shown once on the user's page.
  managerLink = (await call(page, 'take-invitation', { domain: 'office.example', user: '100' })).link;
  assert.match(managerLink, /\/set-password\?token=[0-9a-f]{64}$/);
  await close();
});

after(async () => {
  await browser?.close();
  await roster?.stop();
});

test('an office manager creates a user in its own domain and cannot reach another domain', async () => {
  // The other domain's pages answer 404, which the browser reports.
  const { page, check, close } = await openPage(browser, { allow: [/status of 404/] });
  await acceptLink(page, managerLink, MANAGER_PASSWORD);
  // An office manager starts at its own domain's users.
  await logInAs(page, '100@office.example', MANAGER_PASSWORD, `${roster.base}/domains/office.example/users`);
  const menu = await page.locator('.topbar nav').textContent();
  assert.match(menu, /Users/);
  assert.match(menu, /Audit log/);
  // Its domain's settings are shown to read, not as a form it could not save.
  await Promise.all([page.waitForURL(/\/domains\/office\.example$/), page.click('a:has-text("Domain settings")')]);
  await hydrated(page);
  await page.waitForSelector('.read-only-note:has-text("Your reseller or a Super User changes them.")');
  assert.equal(await page.locator('form button:has-text("Save changes"), button:has-text("Delete domain"), main input:not([type=hidden])').count(), 0);
  assert.equal((await page.locator('dt:text-is("Domain name") + dd').textContent()).trim(), 'office.example');
  await page.goto(`${roster.base}/domains/office.example/users`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/users\/new$/), page.click('a:has-text("New user")')]);
  await hydrated(page);
  // Only scopes up to its own are offered.
  const scopes = await page.locator('#user-scope option').allTextContents();
  assert.ok(scopes.includes('Office Manager') && !scopes.includes('Reseller') && !scopes.includes('Super User'), scopes.join(', '));

  await page.fill('#user', '101');
  await page.fill('#name-first-name', 'Nina');
  await page.fill('#name-last-name', 'Newcomb');
  await page.click('button:has-text("Next")');
  await page.waitForSelector('#step-login:visible');
  await page.fill('#email', 'nina@office.example');
  for (const step of [ 'step-organization', 'step-voicemail', 'step-caller-id', 'step-devices', 'review']) {
    await page.click('button:has-text("Next")');
    await page.waitForSelector(`#${step}:visible`);
  }
  await Promise.all([
    page.waitForURL(`${roster.base}/domains/office.example/users/101?done=user-created`),
    page.click('button:has-text("Create user")'),
  ]);
  await hydrated(page);
  const first = (await page.locator('code.invitation-link').textContent()).trim();
  assert.match(first, /\/set-password\?token=[0-9a-f]{64}$/);
  // E-mailed by default; with no mail relay set, the message waits in the outbox and the link is
  // shown here as well, at the top of the page.
  assert.match(await page.locator('.notice.invitation').textContent(), /e-mailed to nina@office\.example.*outbox/);
  // Shown once: a reload no longer has it.
  await page.reload();
  await hydrated(page);
  await page.waitForSelector('text=User 101');
  assert.equal(await page.locator('code.invitation-link').count(), 0);
  // A manager can make a new link, and end the user's sessions.
  await Promise.all([page.waitForURL(/\?invited=/), page.click('button:has-text("New invitation link")')]);
  await page.waitForSelector('code.invitation-link');
  const link = (await page.locator('code.invitation-link').textContent()).trim();
  assert.notEqual(link, first);
  // One live link per account: the newer one ended the first.
  const older = await page.request.post(`${roster.base}/api/password-link`, {
    form: { token: first.split('token=')[1] }, headers: { accept: 'application/json' },
  });
  assert.equal(await older.text(), 'null');
  await Promise.all([page.waitForURL(/sessions-ended=0/), page.click('button:has-text("End the user\'s sessions")')]);
  await page.waitForSelector('text=Sessions ended: 0.');

  // Editing the address does not open another domain: it is simply not there (404), with only
  // the message and a way back, and no action to take on it.
  const paths = ['/domains/elsewhere.example/users', '/domains/elsewhere.example/users/300',
    '/domains/elsewhere.example', '/domains/elsewhere.example/users/import'];
  for (const path of paths) {
    const response = await page.goto(`${roster.base}${path}`);
    assert.equal(response.status(), 404, path);
    await hydrated(page);
    await page.waitForSelector('text=Not found.');
    assert.equal(await page.locator('text=Other Person').count(), 0, path);
    const actions = await page.locator('main a, main button, main form').allTextContents();
    assert.deepEqual(actions, ['Back to your start page'], path);
  }
  await page.goto(`${roster.base}/domains`);
  await hydrated(page);
  await page.waitForSelector('a:has-text("office.example")');
  assert.equal(await page.locator('text=elsewhere.example').count(), 0, 'the other domain is not listed');
  await check();
  await close();
  newUserLink = link;
});

let newUserLink;

test('a new user opens its invitation, sets a password, logs in with its e-mail address, changes its status message and logs out', async () => {
  assert.ok(newUserLink, 'the office manager test made an invitation');
  // The domain's users page refuses a Basic User with a 403, which the browser reports.
  const { page, check, close } = await openPage(browser, { allow: [/status of 403/] });
  await acceptLink(page, newUserLink, NEW_USER_PASSWORD);
  // The login page says the password is set, with the login filled in and the password next.
  await hydrated(page);
  await page.waitForSelector('text=Your password is set.');
  assert.equal(await page.inputValue('#login'), '101@office.example');
  await page.waitForFunction(() => document.activeElement?.id === 'password');
  // The link works once, and its page then leads to the login.
  await page.goto(newUserLink);
  await hydrated(page);
  await page.waitForSelector('text=expired or was already used');
  await Promise.all([page.waitForURL(`${roster.base}/login`), page.click('a:has-text("log in")')]);

  // The e-mail address on the user serves as its login, typed in any case.
  await logInAs(page, 'Nina@Office.Example', NEW_USER_PASSWORD, `${roster.base}/me`);
  assert.match(await page.locator('dt:has-text("Extension") + dd').textContent(), /101/);
  assert.doesNotMatch(await page.locator('.topbar nav').textContent(), /Domains|Audit/);
  await page.fill('#status-message', 'Back at 3 pm');
  await Promise.all([page.waitForURL(/\/me\?saved=profile/), page.click('button:has-text("Save")')]);
  await hydrated(page);
  await page.waitForSelector('text=Your profile is saved.');
  assert.equal(await page.inputValue('#status-message'), 'Back at 3 pm');
  // A Basic User has no answer rules to edit, and no way into the domain's users.
  assert.equal(await page.locator('#rules-heading').count(), 0);
  await page.goto(`${roster.base}/domains/office.example/users`);
  await hydrated(page);
  await page.waitForSelector('text=You are not allowed to see this.');
  // Logging out says so.
  await Promise.all([page.waitForURL(/\/login\?logged-out/), page.click('button:has-text("Log out")')]);
  await hydrated(page);
  await page.waitForSelector('.notice.ok:has-text("You are logged out.")');
  await check();
  await close();
});
