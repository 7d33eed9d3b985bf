// The users slice in a real browser: the Create User wizard step by step with JavaScript, the
// same form as one long page without it, the list, the user page, and deleting.
// Each test makes its own domain (by a server function call), so they do not depend on each other.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hydrated, logIn, openPage, startWithAdmin, callServer } from './support.js';

let roster;
let browser;

before(async () => {
  ({ roster, browser } = await startWithAdmin());
});

after(async () => {
  await browser?.close();
  await roster?.stop();
});

/** Calls a server function with the page's session, as a script would (not as a form post). */
/** Calls a server function with the page's session; resolves to its JSON answer. */
const call = (page, endpoint, form) => callServer(page, roster.base, endpoint, form);

async function createDomain(page, domain) {
  await call(page, 'create-domain', { 'input[domain]': domain, 'input[voicemail-enabled]': 'yes' });
}

async function createUser(page, domain, fields) {
  const form = { domain };
  for (const [name, value] of Object.entries(fields)) form[`input[${name}]`] = value;
  await call(page, 'create-user', form);
}

/** The fieldsets and the review that are showing. */
async function visibleSteps(page) {
  return page.locator('fieldset.step:visible, section.review:visible').evaluateAll((els) => els.map((e) => e.id));
}

async function next(page, expectedStep) {
  await page.click('button:has-text("Next")');
  await page.waitForSelector(`#${expectedStep}:visible`);
}

test('the wizard creates a user step by step, reviews it, and the user is listed and found', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await createDomain(page, 'wizard.example');
  await call(page, 'create-group', { domain: 'wizard.example', name: 'Support', kind: 'ring' });
  await page.goto(`${roster.base}/domains`);
  // The domains list counts each domain's users, and the count leads to them.
  assert.equal((await page.locator('a[aria-label="Users of wizard.example"]').textContent()).trim(), '0 users');
  await Promise.all([page.waitForURL(/\/domains\/wizard\.example\/users$/), page.click('a[aria-label="Users of wizard.example"]')]);
  await hydrated(page);
  await page.waitForSelector('text=No users yet');
  await Promise.all([page.waitForURL(/\/users\/new$/), page.click('a:has-text("New user")')]);
  await hydrated(page);

  // One step at a time once hydrated.
  await page.waitForSelector('#step-login', { state: 'hidden' });
  assert.deepEqual(await visibleSteps(page), ['step-identity']);
  assert.equal(await page.locator('.steps a[aria-current="step"]').textContent(), '1. Identity');
  assert.ok((await page.inputValue('#user')).length > 0, 'a free extension is suggested');

  await page.fill('#user', '201');
  await page.fill('#name-first-name', 'John');
  await page.fill('#name-last-name', 'Smith');
  await next(page, 'step-login');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'login-username', 'focus moves to the first field');
  assert.equal(await page.locator('.steps a[aria-current="step"]').textContent(), '2. Login & scope');
  await page.fill('#email', 'john@wizard.example');
  await next(page, 'step-organization');
  await page.fill('#department', 'Sales');
  await page.fill('#site', 'Head office');
  assert.equal(await page.getAttribute('#site', 'list'), 'site-suggestions');
  await next(page, 'step-voicemail');
  await page.selectOption('#voicemail-enabled', 'yes');
  await page.fill('#voicemail-login-pin', '8264');
  await next(page, 'step-caller-id');
  await next(page, 'step-devices');
  await page.fill('#phone-numbers', '+1 612 555 0101');
  await page.fill('#forward-no-answer', 'voicemail');
  assert.equal(await page.locator('#group-suggestions option[value="Support"]').count(), 1, "the domain's groups are suggested");
  await page.fill('#groups', 'Support');
  // Back keeps what was typed, then Next returns.
  await page.click('button:has-text("Back")');
  await page.waitForSelector('#step-caller-id:visible');
  await next(page, 'step-devices');
  assert.equal(await page.inputValue('#phone-numbers'), '+1 612 555 0101');
  await next(page, 'review');

  const review = page.locator('#review');
  const text = await review.textContent();
  assert.match(text, /Extension 201/);
  assert.match(text, /Portal login: 201@wizard\.example \(the default/);
  assert.match(text, /password: generated/);
  assert.match(text, /Head office \(new site/);
  assert.match(text, /A voicemail box 201 is created/);
  assert.match(text, /\+16125550101/);
  assert.match(text, /When not answered: voicemail/);
  assert.match(text, /Groups\s*Support/);

  await Promise.all([
    page.waitForURL(`${roster.base}/domains/wizard.example/users/201?done=user-created`),
    page.click('button:has-text("Create user")'),
  ]);
  await hydrated(page);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The user is created.")');
  await page.waitForSelector('text=sip:201@wizard.example');
  assert.equal(await page.locator('code.password').isVisible(), false, 'the password is hidden at first');
  await page.click('button:has-text("Show password")');
  const password = (await page.locator('code.password').textContent()).trim();
  assert.equal(password.length, 20, `a generated SIP password of 20 characters, got ${password}`);
  const voicemail = page.locator('dt:has-text("Voicemail box") + dd');
  assert.equal((await voicemail.textContent()).trim(), '201');
  assert.match(await page.locator('dt:has-text("Phone numbers") + dd').textContent(), /\+16125550101/);
  assert.match(await page.locator('dt:has-text("Site") + dd').first().textContent(), /Head office/);
  assert.equal((await page.locator('dt:text-is("Groups") + dd').textContent()).trim(), 'Support');

  await page.click('a:has-text("Users of wizard.example")');
  await page.waitForSelector('table.users a:has-text("201")');
  assert.match(await page.locator('table.users caption').textContent(), /1 user/);
  await page.fill('#q', 'smith');
  await Promise.all([page.waitForURL(/q=smith/), page.click('form.search button')]);
  await page.waitForSelector('table.users td:has-text("John Smith")');
  // A department finds its people too.
  await page.fill('#q', 'sales');
  await Promise.all([page.waitForURL(/q=sales/), page.click('form.search button')]);
  await page.waitForSelector('table.users td:has-text("John Smith")');
  await page.fill('#q', 'nobody');
  await Promise.all([page.waitForURL(/q=nobody/), page.click('form.search button')]);
  await page.waitForSelector('text=No users match');
  // Column headers order the list through the address.
  await page.goto(`${roster.base}/domains/wizard.example/users`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/sort=name&dir=asc/), page.click('th a:has-text("Name")')]);
  // The address changes first; the list and its headers follow when the new page of users arrives.
  await page.waitForSelector('th[aria-sort="ascending"]:has-text("Name")');
  assert.equal(await page.locator('th[aria-sort="ascending"]').textContent(), 'Name ▲');
  check();
  await close();
});

test('a bad extension is flagged as it is typed and Next does not move on, with nothing sent', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await createDomain(page, 'bad.example');
  await page.goto(`${roster.base}/domains/bad.example/users/new`);
  await hydrated(page);
  const creates = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/create-user')) creates.push(r.url()); });
  await page.fill('#user', '');
  await page.locator('#user').pressSequentially('12a');
  await page.waitForSelector('#user-error:not(:empty)');
  assert.equal(await page.getAttribute('#user', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#user-error', 'aria-live'), 'polite');
  await page.click('button:has-text("Next")');
  await page.waitForSelector('[role=alert]:has-text("3 fields need attention")');
  assert.deepEqual(await visibleSteps(page), ['step-identity'], 'still on the first step');
  assert.match(await page.textContent('#name-first-name-error'), /\S/, 'the blank name is flagged too');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'user', 'focus goes to the first problem');
  // Enter in a field is Next, not "send the form".
  await page.locator('#name-first-name').press('Enter');
  assert.deepEqual(await visibleSteps(page), ['step-identity']);
  assert.equal(creates.length, 0, 'the checks ran in the browser, nothing was sent');
  check();
  await close();
});

test('a login taken by another user comes back from the server next to the login field, on its step', async () => {
  const { page, check, close } = await openPage(browser, { allow: [/status of 409/] });
  await logIn(page, roster.base);
  await createDomain(page, 'clash.example');
  await createUser(page, 'clash.example', {
    user: '301', 'name-first-name': 'Ann', 'name-last-name': 'Lee', email: 'ann@clash.example',
    'phone-numbers': '+1 612 555 0150',
  });
  await page.goto(`${roster.base}/domains/clash.example/users/new`);
  await hydrated(page);
  await page.fill('#user', '302');
  await page.fill('#name-first-name', 'Bob');
  await page.fill('#name-last-name', 'Lee');
  await next(page, 'step-login');
  // Neither can be known in the browser: the login and the number belong to user 301.
  await page.fill('#login-username', '301@clash.example');
  await page.fill('#email', 'bob@clash.example');
  for (const step of ['step-organization', 'step-voicemail', 'step-caller-id', 'step-devices']) {
    await next(page, step);
  }
  await page.fill('#phone-numbers', '+1 612 555 0151, +1 612 555 0150');
  await next(page, 'review');
  await page.click('button:has-text("Create user")');
  await page.waitForSelector('#login-username-error:has-text("already taken")');
  assert.deepEqual(await visibleSteps(page), ['step-login'], 'the wizard turned to the first step with a problem');
  assert.equal(await page.locator('.steps a[aria-current="step"]').textContent(), '2. Login & scope');
  assert.match(await page.textContent('[role=alert].form-error'), /2 fields need attention/);
  assert.equal(await page.getAttribute('#login-username', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'login-username');
  // The number's problem (phone-numbers[1]) waits on the phone numbers field, and stops Next there.
  await page.fill('#login-username', 'bob@clash.example');
  for (const step of ['step-organization', 'step-voicemail', 'step-caller-id', 'step-devices']) {
    await next(page, step);
  }
  assert.match(await page.textContent('#phone-numbers-error'), /already routed to another user/);
  await page.click('button:has-text("Next")');
  await page.waitForSelector('[role=alert]:has-text("1 field needs attention")');
  assert.deepEqual(await visibleSteps(page), ['step-devices']);
  await page.fill('#phone-numbers', '+1 612 555 0151');
  await next(page, 'review');
  await Promise.all([
    page.waitForURL(`${roster.base}/domains/clash.example/users/302?done=user-created`),
    page.click('button:has-text("Create user")'),
  ]);
  await page.waitForSelector('text=bob@clash.example');
  check();
  await close();
});

test('the list shows 50 users a page and orders them by any column', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await createDomain(page, 'many.example');
  for (let i = 0; i < 52; i++) {
    const last = `Name${String(51 - i).padStart(2, '0')}`;
    await createUser(page, 'many.example', {
      user: String(1000 + i), 'name-first-name': 'Pat', 'name-last-name': last, email: `p${i}@many.example`,
      'voicemail-enabled': 'no',
    });
  }
  await page.goto(`${roster.base}/domains/many.example/users`);
  await hydrated(page);
  const rows = page.locator('table.users tbody tr');
  assert.match(await page.textContent('table.users caption'), /52 users, showing 1 to 50/);
  assert.equal(await rows.count(), 50);
  assert.equal(await page.locator('a[rel=prev]').count(), 0);
  await Promise.all([page.waitForURL(/start=50/), page.click('a[rel=next]')]);
  await page.waitForSelector('table.users caption:has-text("showing 51 to 52")');
  assert.equal(await rows.count(), 2);
  assert.equal((await rows.first().locator('td').first().textContent()).trim(), '1050');
  assert.equal(await page.locator('a[rel=next]').count(), 0);
  await Promise.all([page.waitForURL((u) => !u.search.includes('start=')), page.click('a[rel=prev]')]);
  await page.waitForSelector('table.users caption:has-text("showing 1 to 50")');
  // Name ascending puts the last created first (their last names count down), then descending.
  await Promise.all([page.waitForURL(/sort=name&dir=asc/), page.click('th a:has-text("Name")')]);
  await page.waitForSelector('table.users tbody tr:first-child td:has-text("Pat Name00")');
  await Promise.all([page.waitForURL(/sort=name&dir=desc/), page.click('th a:has-text("Name")')]);
  await page.waitForSelector('table.users tbody tr:first-child td:has-text("Pat Name51")');
  assert.equal(await page.getAttribute('th:has(a:has-text("Name"))', 'aria-sort'), 'descending');
  // The domains list counts them.
  await page.goto(`${roster.base}/domains`);
  assert.equal((await page.locator('a[aria-label="Users of many.example"]').textContent()).trim(), '52 users');
  check();
  await close();
});

test('the wizard tells a taken extension as it is typed', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await createDomain(page, 'taken.example');
  await createUser(page, 'taken.example', {
    user: '123', 'name-first-name': 'Ann', 'name-last-name': 'Lee', email: 'ann@taken.example',
  });
  await page.goto(`${roster.base}/domains/taken.example/users/new`);
  await hydrated(page);
  assert.notEqual(await page.inputValue('#user'), '123', 'the suggestion is a free extension');
  await page.fill('#user', '123');
  await page.waitForSelector('#user-error:has-text("Extension 123 is already taken.")');
  await page.fill('#name-first-name', 'Bob');
  await page.fill('#name-last-name', 'Lee');
  await page.click('button:has-text("Next")');
  await page.waitForSelector('[role=alert]:has-text("1 field needs attention")');
  assert.deepEqual(await visibleSteps(page), ['step-identity']);
  await page.fill('#user', '124');
  await next(page, 'step-login');
  check();
  await close();
});

test('without JavaScript the wizard is one long form that refuses bad input and creates a user', async () => {
  const { page, check, close } = await openPage(browser, { javaScriptEnabled: false });
  await logIn(page, roster.base);
  await createDomain(page, 'nojs-users.example');
  await page.goto(`${roster.base}/domains/nojs-users.example/users/new`);
  for (const id of ['step-identity', 'step-login', 'step-organization', 'step-voicemail', 'step-caller-id', 'step-devices', 'review']) {
    assert.ok(await page.locator(`#${id}`).isVisible(), `${id} shows`);
  }
  assert.equal(await page.locator('button:has-text("Next")').isVisible(), false);
  await page.fill('#user', '12a');
  await page.fill('#name-first-name', 'Cleo');
  await page.fill('#name-last-name', 'Moss');
  await page.fill('#email', 'not-an-address');
  await page.fill('#phone-numbers', '+1 612 555 0199');
  await Promise.all([page.waitForURL(/__err=/), page.click('button:has-text("Create user")')]);
  assert.match(await page.textContent('#user-error'), /\S/);
  assert.match(await page.textContent('#email-error'), /\S/);
  assert.match(await page.textContent('[role=alert].form-error'), /2 fields need attention/);
  assert.equal(await page.inputValue('#user'), '12a', 'what was typed is kept');
  assert.equal(await page.inputValue('#name-first-name'), 'Cleo');
  assert.equal(await page.inputValue('#phone-numbers'), '+1 612 555 0199');

  await page.fill('#user', '401');
  await page.fill('#email', 'cleo@nojs-users.example');
  await Promise.all([
    page.waitForURL(`${roster.base}/domains/nojs-users.example/users/401?done=user-created`),
    page.click('button:has-text("Create user")'),
  ]);
  await page.waitForSelector('text=sip:401@nojs-users.example');
  await page.waitForSelector('.notice.ok[role=status]:has-text("The user is created.")');
  // The password is in a <details> without JavaScript.
  await page.click('details.secret summary');
  assert.equal((await page.locator('code.password').textContent()).trim().length, 20);
  assert.match(await page.locator('dt:has-text("Phone numbers") + dd').textContent(), /\+16125550199/);
  check();
  await close();
});

test('a user with a voicemail box is deleted only together with the box', async () => {
  const { page, check, close } = await openPage(browser, { allow: [/status of 412/, /status of 404/] });
  await logIn(page, roster.base);
  await createDomain(page, 'delete.example');
  await createUser(page, 'delete.example', {
    user: '501', 'name-first-name': 'Dee', 'name-last-name': 'Lete', email: 'dee@delete.example',
    'voicemail-enabled': 'yes',
  });
  await page.goto(`${roster.base}/domains/delete.example/users/501`);
  await hydrated(page);
  assert.equal((await page.locator('dt:has-text("Voicemail box") + dd').textContent()).trim(), '501');
  // The dialog says what the server will do: no deleting the user while keeping the box.
  const dialog = await page.locator('section.danger').textContent();
  assert.match(dialog, /deleted only together with its box/);
  assert.doesNotMatch(dialog, /kept unless/);
  await page.check('label.confirm input');
  await page.click('button:has-text("Delete user")');
  await page.waitForSelector('section.danger [role=alert]:has-text("voicemail box")');
  assert.match(page.url(), /\/users\/501$/, 'still on the user page');

  await page.check('input[name=delete_voicemail]');
  await Promise.all([
    page.waitForURL(`${roster.base}/domains/delete.example/users?done=user-deleted`),
    page.click('button:has-text("Delete user")'),
  ]);
  await page.waitForSelector('text=No users yet');
  await page.waitForSelector('.notice.ok[role=status]:has-text("The user is deleted.")');
  // The deleted user's page is gone: 404, and nothing to edit.
  const gone = await page.goto(`${roster.base}/domains/delete.example/users/501`);
  assert.equal(gone.status(), 404);
  await hydrated(page);
  await page.waitForSelector('text=Not found.');
  assert.equal(await page.locator('text=Edit user').count(), 0);
  check();
  await close();
});

test('without JavaScript the refusal to delete is shown on the user page', async () => {
  const { page, check, close } = await openPage(browser, { javaScriptEnabled: false });
  await logIn(page, roster.base);
  await createDomain(page, 'delete-nojs.example');
  await createUser(page, 'delete-nojs.example', {
    user: '601', 'name-first-name': 'Dee', 'name-last-name': 'Lete', email: 'dee@delete-nojs.example',
    'voicemail-enabled': 'yes',
  });
  await page.goto(`${roster.base}/domains/delete-nojs.example/users/601`);
  await page.check('label.confirm input');
  await Promise.all([page.waitForURL(/__err=/), page.click('button:has-text("Delete user")')]);
  assert.match(await page.textContent('section.danger [role=alert]'), /voicemail box/);
  await page.check('label.confirm input');
  await page.check('input[name=delete_voicemail]');
  await Promise.all([
    page.waitForURL(`${roster.base}/domains/delete-nojs.example/users?done=user-deleted`),
    page.click('button:has-text("Delete user")'),
  ]);
  await page.waitForSelector('text=No users yet');
  check();
  await close();
});

test('a user is edited in one form: a new extension moves the voicemail box, blank secrets are kept', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await createDomain(page, 'edit.example');
  await createUser(page, 'edit.example', {
    user: '301', 'name-first-name': 'Edna', 'name-last-name': 'Mode', email: 'edna@edit.example',
    'voicemail-login-pin': '2580', 'phone-numbers': '+1 612 555 0301',
  });
  await page.goto(`${roster.base}/domains/edit.example/users/301`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/users\/301\/edit$/), page.click('a:has-text("Edit user")')]);
  await hydrated(page);
  assert.equal(await page.inputValue('#name-last-name'), 'Mode');
  assert.equal(await page.inputValue('#voicemail-login-pin'), '', 'the PIN is never sent to the browser');
  assert.equal(await page.locator('#step-devices').isVisible(), true, 'every step shows at once');
  await page.fill('#user', '305');
  await page.fill('#name-last-name', 'Modé');
  await page.fill('#device', '301');
  await Promise.all([page.waitForURL(/\/users\/305\?done=user-saved$/), page.click('button:has-text("Save changes")')]);
  await page.waitForSelector('text=Modé');
  const body = await page.textContent('main');
  assert.match(body, /305/);
  assert.match(body, /\+16125550301/);
  check();
  await close();
});
