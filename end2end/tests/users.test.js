// The users slice in a real browser: the Create User wizard step by step with JavaScript, the
// same form as one long page without it, the list, the user page, and deleting.
// Each test makes its own domain (by a server function call), so they do not depend on each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hydrated, logIn, openPage, adminSuite } from './support.js';

const suite = adminSuite();

/** Calls a server function with the page's session, as a script would (not as a form post). */
const { call } = suite;

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
  const { page, check, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  await createDomain(page, 'wizard.example');
  // A call queue the new user joins as an agent (made through the API, with the page's session).
  const queue = await page.request.post(`${suite.roster.base}/ns-api/v2/domains/wizard.example/callqueues`, {
    data: { callqueue: '600', description: 'Support' },
  });
  assert.equal(queue.status(), 202, await queue.text());
  await page.goto(`${suite.roster.base}/domains`);
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
  assert.equal(await page.locator('fieldset#groups input[type=checkbox]').count(), 1, "the domain's call queues are offered");
  await page.check('fieldset#groups label:has-text("600") input');
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
  assert.match(text, /Call queues\s*600/);

  await Promise.all([
    page.waitForURL(`${suite.roster.base}/domains/wizard.example/users/201?done=user-created`),
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
  assert.equal((await page.locator('dt:text-is("Call queues") + dd').textContent()).trim(), '600');

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
  await page.goto(`${suite.roster.base}/domains/wizard.example/users`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/sort=name&dir=asc/), page.click('th a:has-text("Name")')]);
  // The address changes first; the list and its headers follow when the new page of users arrives.
  await page.waitForSelector('th[aria-sort="ascending"]:has-text("Name")');
  assert.equal(await page.locator('th[aria-sort="ascending"]').textContent(), 'Name ▲');
  await check();
  await close();
});

test('a bad extension is flagged as it is typed and Next does not move on, with nothing sent', async () => {
  const { page, check, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  await createDomain(page, 'bad.example');
  await page.goto(`${suite.roster.base}/domains/bad.example/users/new`);
  await hydrated(page);
  const creates = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/create-user')) creates.push(r.url()); });
  await page.fill('#user', '');
  await page.locator('#user').pressSequentially('12a');
  // Checked when the field is left, not on every keystroke.
  assert.equal(await page.textContent('#user-error'), '', 'no error while typing');
  await page.locator('#user').press('Tab');
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
  await check();
  await close();
});

test('a taken login, number and device are flagged as typed, listed on the review, and a refused create marks its steps', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 409/] });
  await logIn(page, suite.roster.base);
  await createDomain(page, 'clash.example');
  await createUser(page, 'clash.example', {
    user: '301', 'name-first-name': 'Ann', 'name-last-name': 'Lee', email: 'ann@clash.example',
    'phone-numbers': '+1 612 555 0150', device: 'ann-desk',
  });
  await page.goto(`${suite.roster.base}/domains/clash.example/users/new`);
  await hydrated(page);
  await page.fill('#user', '302');
  await page.fill('#name-first-name', 'Bob');
  await page.fill('#name-last-name', 'Lee');
  await next(page, 'step-login');
  // Neither can be known in the browser alone: the server is asked as they are typed.
  await page.fill('#login-username', '301');
  await page.waitForSelector('#login-username-error:has-text("The login 301@clash.example is already taken.")');
  assert.equal(await page.getAttribute('#login-username', 'aria-invalid'), 'true');
  await page.fill('#email', 'bob@clash.example');
  await page.click('button:has-text("Next")');
  await page.waitForSelector('[role=alert]:has-text("1 field needs attention")');
  assert.deepEqual(await visibleSteps(page), ['step-login'], 'Next stops at a conflict');
  assert.equal(await page.locator('.steps li.troubled').count(), 1, 'the step list marks the step');
  await page.fill('#login-username', 'bob');
  await page.waitForSelector('.steps li.troubled', { state: 'detached' });
  for (const step of ['step-organization', 'step-voicemail', 'step-caller-id', 'step-devices']) {
    await next(page, step);
  }
  await page.fill('#device', 'ann-desk');
  await page.fill('#phone-numbers', '+1 612 555 0151, +1 612 555 0150');
  await page.waitForSelector('#phone-numbers-error:has-text("+16125550150 is already routed to another user.")');
  await page.waitForSelector('#device-error:has-text("The device ann-desk is already in use in this domain.")');
  // The review lists what stands in the way (the step list holds it too).
  await page.click('.steps a:has-text("Review")');
  await page.waitForSelector('#review:visible');
  const problems = await page.textContent('#review ul.problems');
  assert.match(problems, /SIP device \(Devices & numbers\): The device ann-desk is already in use/);
  assert.match(problems, /Phone numbers \(DIDs\) \(Devices & numbers\): \+16125550150 is already routed/);
  assert.equal(await page.locator('button:has-text("Create user")').isDisabled(), true);
  await page.click('.steps a:has-text("Devices")');
  await page.fill('#device', 'bob-desk');
  await page.fill('#phone-numbers', '+1 612 555 0151');
  await page.waitForFunction(() => document.querySelector('#phone-numbers-error').textContent === '');
  await next(page, 'review');
  // Someone else takes the login between the review and Create: the server refuses, the wizard
  // turns to the step and the step list marks it.
  await createUser(page, 'clash.example', {
    user: '303', 'name-first-name': 'Cy', 'name-last-name': 'Lee', email: 'cy@clash.example',
    'login-username': 'bob',
  });
  await page.click('button:has-text("Create user")');
  await page.waitForSelector('#login-username-error:has-text("already taken")');
  assert.deepEqual(await visibleSteps(page), ['step-login'], 'the wizard turned to the first step with a problem');
  assert.deepEqual(await page.locator('.steps li.troubled a').evaluateAll((els) => els.map((e) => e.textContent)),
    ['2. Login & scope ! (needs attention)']);
  assert.match(await page.textContent('[role=alert].form-error'), /1 field needs attention/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'login-username');
  await page.fill('#login-username', 'bob.lee');
  for (const step of ['step-organization', 'step-voicemail', 'step-caller-id', 'step-devices', 'review']) {
    await next(page, step);
  }
  await Promise.all([
    page.waitForURL(`${suite.roster.base}/domains/clash.example/users/302?done=user-created`),
    page.click('button:has-text("Create user")'),
  ]);
  await page.waitForSelector('text=bob.lee@clash.example');
  await check();
  await close();
});

test('yes/no settings are switches grouped under headings, the rarer ones under More, and they save both ways', async () => {
  const { page, check, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  await createDomain(page, 'switch.example');
  await page.goto(`${suite.roster.base}/domains/switch.example/users/new`);
  await hydrated(page);
  await page.fill('#user', '501');
  await page.fill('#name-first-name', 'Sam');
  await page.fill('#name-last-name', 'Wise');
  await next(page, 'step-login');
  await page.fill('#email', 'sam@switch.example');
  for (const step of ['step-organization', 'step-voicemail', 'step-caller-id']) await next(page, step);
  const step = page.locator('#step-caller-id');
  assert.equal(await step.locator('select').count(), 3, 'only real choices are drop-downs on step 5');
  assert.ok(await step.locator('input[role=switch]').count() >= 8, 'the yes/no settings are switches');
  assert.deepEqual(await step.locator('h3').allTextContents(),
    ['Caller ID', 'Calling', 'Screening', 'Recording and hold', 'Directory']);
  const more = step.locator('details.more');
  assert.equal(await more.getAttribute('open'), null, 'More is folded at first');
  assert.equal(await page.locator('#reject-anonymous-calls-enabled').isVisible(), false);
  await more.locator('summary').click();
  await page.check('#reject-anonymous-calls-enabled');
  await page.uncheck('#call-screening-enabled');
  assert.equal(await page.isChecked('#privacy'), false);
  for (const s of ['step-devices', 'review']) await next(page, s);
  await Promise.all([page.waitForURL(/\/users\/501\?done=user-created$/), page.click('button:has-text("Create user")')]);
  await page.waitForSelector('dt:has-text("Reject anonymous calls") + dd:text-is("Yes")');
  assert.equal((await page.locator('dt:has-text("Call screening") + dd').textContent()).trim(), 'No', 'a switch turned off says no');
  assert.equal((await page.locator('dt:has-text("Hide caller ID") + dd').textContent()).trim(), 'No');
  await check();
  await close();
});

test('a field is checked when it is left, not on the first keystroke; required fields are marked', async () => {
  const { page, check, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  await createDomain(page, 'blur.example');
  await page.goto(`${suite.roster.base}/domains/blur.example/users/new`);
  await hydrated(page);
  assert.equal(await page.locator('label[for="name-first-name"] .required-mark').count(), 1);
  assert.equal(await page.locator('label[for="department"] .required-mark').count(), 0);
  await page.waitForSelector('.required-note:has-text("marks a required field")');
  // Tabbing past an empty required field says nothing.
  await page.focus('#name-first-name');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.textContent('#name-first-name-error'), '');
  await page.fill('#name-first-name', 'Ida');
  await page.fill('#name-last-name', 'Fox');
  await next(page, 'step-login');
  await page.locator('#email').pressSequentially('j');
  assert.equal(await page.textContent('#email-error'), '', 'not on the first keystroke');
  await page.locator('#email').press('Tab');
  await page.waitForSelector('#email-error:has-text("is not an e-mail address")');
  // Once shown, it is checked as it is typed, and goes as soon as the value is good.
  await page.locator('#email').press('End');
  await page.keyboard.type('@blur.example');
  await page.waitForFunction(() => document.querySelector('#email-error').textContent === '');
  await check();
  await close();
});

test('the list shows 50 users a page and orders them by any column', async () => {
  const { page, check, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  await createDomain(page, 'many.example');
  for (let i = 0; i < 52; i++) {
    const last = `Name${String(51 - i).padStart(2, '0')}`;
    await createUser(page, 'many.example', {
      user: String(1000 + i), 'name-first-name': 'Pat', 'name-last-name': last, email: `p${i}@many.example`,
      'voicemail-enabled': 'no',
    });
  }
  await page.goto(`${suite.roster.base}/domains/many.example/users`);
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
  await page.goto(`${suite.roster.base}/domains`);
  assert.equal((await page.locator('a[aria-label="Users of many.example"]').textContent()).trim(), '52 users');
  await check();
  await close();
});

test('the wizard tells a taken extension as it is typed', async () => {
  const { page, check, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  await createDomain(page, 'taken.example');
  await createUser(page, 'taken.example', {
    user: '123', 'name-first-name': 'Ann', 'name-last-name': 'Lee', email: 'ann@taken.example',
  });
  await page.goto(`${suite.roster.base}/domains/taken.example/users/new`);
  await hydrated(page);
  assert.notEqual(await page.inputValue('#user'), '123', 'the suggestion is a free extension');
  await page.fill('#user', '123');
  await page.waitForSelector('#user-error:has-text("Extension 123 is already taken in this domain.")');
  await page.fill('#name-first-name', 'Bob');
  await page.fill('#name-last-name', 'Lee');
  await page.click('button:has-text("Next")');
  await page.waitForSelector('[role=alert]:has-text("1 field needs attention")');
  assert.deepEqual(await visibleSteps(page), ['step-identity']);
  await page.fill('#user', '124');
  await next(page, 'step-login');
  await check();
  await close();
});

test('without JavaScript the wizard is one long form that refuses bad input and creates a user', async () => {
  const { page, check, close } = await openPage(suite.browser, { javaScriptEnabled: false });
  await logIn(page, suite.roster.base);
  await createDomain(page, 'nojs-users.example');
  await page.goto(`${suite.roster.base}/domains/nojs-users.example/users/new`);
  for (const id of ['step-identity', 'step-login', 'step-organization', 'step-voicemail', 'step-caller-id', 'step-devices', 'review']) {
    assert.ok(await page.locator(`#${id}`).isVisible(), `${id} shows`);
  }
  assert.equal(await page.locator('button:has-text("Next")').isVisible(), false);
  await page.fill('#user', '12a');
  await page.fill('#name-first-name', 'Cleo');
  await page.fill('#name-last-name', 'Moss');
  await page.fill('#email', 'not-an-address');
  await page.fill('#phone-numbers', '+1 612 555 0199');
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/users/new') && r.request().method() === 'GET'), page.click('button:has-text("Create user")')]);
  assert.equal(page.url(), `${suite.roster.base}/domains/nojs-users.example/users/new`, 'nothing typed rides in the address');
  assert.match(await page.textContent('#user-error'), /\S/);
  assert.match(await page.textContent('#email-error'), /\S/);
  assert.match(await page.textContent('[role=alert].form-error'), /2 fields need attention/);
  assert.equal(await page.inputValue('#user'), '12a', 'what was typed is kept');
  assert.equal(await page.inputValue('#name-first-name'), 'Cleo');
  assert.equal(await page.inputValue('#phone-numbers'), '+1 612 555 0199');

  await page.fill('#user', '401');
  await page.fill('#email', 'cleo@nojs-users.example');
  await Promise.all([
    page.waitForURL(`${suite.roster.base}/domains/nojs-users.example/users/401?done=user-created`),
    page.click('button:has-text("Create user")'),
  ]);
  await page.waitForSelector('text=sip:401@nojs-users.example');
  await page.waitForSelector('.notice.ok[role=status]:has-text("The user is created.")');
  // The password is in a <details> without JavaScript.
  await page.click('details.secret summary');
  assert.equal((await page.locator('code.password').textContent()).trim().length, 20);
  assert.match(await page.locator('dt:has-text("Phone numbers") + dd').textContent(), /\+16125550199/);
  await check();
  await close();
});

test('a form refused before its page ran comes back with its errors and values, not in the address, and the page then runs with them', async () => {
  const { page, check, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  await createDomain(page, 'early.example');
  await page.goto(`${suite.roster.base}/domains/early.example/users/new`);
  await hydrated(page);
  await page.fill('#user', '12a');
  await page.fill('#name-first-name', 'Eve');
  await page.fill('#name-last-name', 'Early');
  await page.evaluate(() => { document.querySelector('#email').value = 'not-an-address'; });
  // A plain form post, as a browser sends it before the WebAssembly has loaded.
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/users/new') && r.request().method() === 'GET'),
    page.evaluate(() => document.querySelector('form.wizard').submit()),
  ]);
  assert.equal(page.url(), `${suite.roster.base}/domains/early.example/users/new`, 'nothing typed rides in the address');
  await hydrated(page);
  await page.waitForSelector('[role=alert].form-error:has-text("2 fields need attention")');
  assert.equal(await page.inputValue('#user'), '12a', 'what was typed is kept');
  assert.match(await page.textContent('#user-error'), /\S/);
  assert.match(await page.textContent('#email-error'), /\S/);
  assert.deepEqual(await visibleSteps(page), ['step-identity'], 'the running wizard turned to the first step concerned');
  await page.fill('#user', '701');
  await next(page, 'step-login');
  await page.fill('#email', 'eve@early.example');
  for (const step of ['step-organization', 'step-voicemail', 'step-caller-id', 'step-devices', 'review']) await next(page, step);
  await Promise.all([page.waitForURL(/\/users\/701\?done=user-created$/), page.click('button:has-text("Create user")')]);
  // The refusal was for that one visit: the next new user starts afresh.
  await page.click('a:has-text("Users of early.example")');
  await Promise.all([page.waitForURL(/\/users\/new$/), page.click('a:has-text("New user")')]);
  await page.waitForSelector('#step-identity');
  assert.equal(await page.textContent('[role=alert].form-error'), '');
  await check();
  await close();
});

test('a user with a voicemail box is deleted only together with the box', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 412/, /status of 404/] });
  await logIn(page, suite.roster.base);
  await createDomain(page, 'delete.example');
  await createUser(page, 'delete.example', {
    user: '501', 'name-first-name': 'Dee', 'name-last-name': 'Lete', email: 'dee@delete.example',
    'voicemail-enabled': 'yes',
  });
  await page.goto(`${suite.roster.base}/domains/delete.example/users/501`);
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
    page.waitForURL(`${suite.roster.base}/domains/delete.example/users?done=user-deleted`),
    page.click('button:has-text("Delete user")'),
  ]);
  await page.waitForSelector('text=No users yet');
  await page.waitForSelector('.notice.ok[role=status]:has-text("The user is deleted.")');
  // The deleted user's page is gone: 404, and nothing to edit.
  const gone = await page.goto(`${suite.roster.base}/domains/delete.example/users/501`);
  assert.equal(gone.status(), 404);
  await hydrated(page);
  await page.waitForSelector('text=Not found.');
  assert.equal(await page.locator('text=Edit user').count(), 0);
  await check();
  await close();
});

test('without JavaScript the refusal to delete is shown on the user page', async () => {
  const { page, check, close } = await openPage(suite.browser, { javaScriptEnabled: false });
  await logIn(page, suite.roster.base);
  await createDomain(page, 'delete-nojs.example');
  await createUser(page, 'delete-nojs.example', {
    user: '601', 'name-first-name': 'Dee', 'name-last-name': 'Lete', email: 'dee@delete-nojs.example',
    'voicemail-enabled': 'yes',
  });
  await page.goto(`${suite.roster.base}/domains/delete-nojs.example/users/601`);
  await page.check('label.confirm input');
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/users/601') && r.request().method() === 'GET'), page.click('button:has-text("Delete user")')]);
  assert.equal(page.url(), `${suite.roster.base}/domains/delete-nojs.example/users/601`);
  assert.match(await page.textContent('section.danger [role=alert]'), /voicemail box/);
  await page.check('label.confirm input');
  await page.check('input[name=delete_voicemail]');
  await Promise.all([
    page.waitForURL(`${suite.roster.base}/domains/delete-nojs.example/users?done=user-deleted`),
    page.click('button:has-text("Delete user")'),
  ]);
  await page.waitForSelector('text=No users yet');
  await check();
  await close();
});

test('a user is edited one section at a time: each saves on its own, a new extension moves the voicemail box, blank secrets are kept', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 422/] });
  await logIn(page, suite.roster.base);
  await createDomain(page, 'edit.example');
  await createUser(page, 'edit.example', {
    user: '301', 'name-first-name': 'Edna', 'name-last-name': 'Mode', email: 'edna@edit.example',
    'voicemail-login-pin': '2580', 'phone-numbers': '+1 612 555 0301', device: 'edna-desk',
  });
  await page.goto(`${suite.roster.base}/domains/edit.example/users/301`);
  await hydrated(page);
  // One Edit per section, and no one-form "Edit user".
  assert.equal(await page.locator('section.detail .section-head a:text-is("Edit")').count(), 6);
  assert.equal(await page.locator('a:has-text("Edit user")').count(), 0);
  await Promise.all([page.waitForURL(/\/users\/301\/edit\/identity$/), page.click('a[aria-label="Edit Identity"]')]);
  await hydrated(page);
  assert.deepEqual(await page.locator('fieldset.step').evaluateAll((els) => els.map((e) => e.id)), ['step-identity'],
    'only the section being edited');
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 1400, `the identity section is a short page (${height} px)`);
  assert.equal(await page.inputValue('#name-last-name'), 'Mode');
  await page.fill('#user', '305');
  await page.fill('#name-last-name', 'Modé');
  await Promise.all([
    page.waitForURL(/\/users\/305\?done=user-saved#section-identity$/),
    page.click('button:has-text("Save changes")'),
  ]);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The user\'s changes are saved.")');
  await page.waitForSelector('text=Modé');
  assert.equal((await page.locator('dt:has-text("Voicemail box") + dd').textContent()).trim(), '305', 'the box moved with the extension');
  assert.match(await page.textContent('main'), /sip:edna-desk@edit\.example/, 'the other sections are untouched');

  // The voicemail section: the PIN is never sent to the browser, and blank keeps it.
  await Promise.all([page.waitForURL(/\/users\/305\/edit\/voicemail$/), page.click('a[aria-label="Edit Voicemail"]')]);
  await hydrated(page);
  assert.equal(await page.inputValue('#voicemail-login-pin'), '');
  assert.equal(await page.locator('#user').count(), 0, 'no field of another section');
  await page.fill('#voicemail-greeting-index', '2');
  await Promise.all([page.waitForURL(/\/users\/305\?done=user-saved#section-voicemail$/), page.click('button:has-text("Save changes")')]);
  await page.waitForSelector('dt:has-text("Greeting") + dd:text-is("2")');
  assert.equal((await page.locator('dt:has-text("Voicemail PIN") + dd').textContent()).trim(), 'Set');
  assert.match(await page.locator('dt:has-text("Phone numbers") + dd').textContent(), /\+16125550301/);

  // A refused save stays on the section, with the problem next to its field.
  await page.goto(`${suite.roster.base}/domains/edit.example/users/305/edit/login`);
  await hydrated(page);
  await page.fill('#email', 'not-an-address');
  await page.click('button:has-text("Save changes")');
  await page.waitForSelector('#email-error:not(:empty)');
  assert.match(page.url(), /\/edit\/login$/);
  await check();
  await close();
});
