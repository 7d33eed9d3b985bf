// Mail in a real browser, against a real SMTP server: a user created in the wizard gets its
// welcome message, follows the link in it to set a password and logs in; then it forgets the
// password, asks for a reset on the login page, and follows that message's link.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { acceptLink, hydrated, linkIn, logIn, openPage, startSmtp, startWithAdmin } from './support.js';

let smtp;
let roster;
let browser;

before(async () => {
  smtp = await startSmtp();
  ({ roster, browser } = await startWithAdmin({
    args: ['--smtp-host', '127.0.0.1', '--smtp-port', String(smtp.port), '--smtp-security', 'none',
      '--mail-from', 'Roster <roster@pbx.example>'],
  }));
});

after(async () => {
  await browser?.close();
  await roster?.stop();
  await smtp?.stop();
});

test('a user created in the wizard sets its password from the welcome mail, then resets it', async () => {
  const admin = await openPage(browser);
  await logIn(admin.page, roster.base);
  const made = await admin.page.request.post(`${roster.base}/api/create-domain`, {
    form: { 'input[domain]': 'mail.example', 'input[description]': 'Mail Example Inc' },
    headers: { accept: 'application/json' },
  });
  assert.ok(made.ok(), await made.text());

  await admin.page.goto(`${roster.base}/domains/mail.example/users/new`);
  await hydrated(admin.page);
  await admin.page.fill('#user', '301');
  await admin.page.fill('#name-first-name', 'Mia');
  await admin.page.fill('#name-last-name', 'Wong');
  await admin.page.click('button:has-text("Next")');
  await admin.page.waitForSelector('#step-login:visible');
  await admin.page.fill('#email', 'mia@people.example');
  for (const step of ['step-organization', 'step-voicemail', 'step-caller-id', 'step-devices', 'review']) {
    await admin.page.click('button:has-text("Next")');
    await admin.page.waitForSelector(`#${step}:visible`);
  }
  assert.ok(await admin.page.isChecked('#invitation-send'), 'e-mailing the invitation is the default');
  await Promise.all([
    admin.page.waitForURL(`${roster.base}/domains/mail.example/users/301?done=user-created`),
    admin.page.click('button:has-text("Create user")'),
  ]);
  await hydrated(admin.page);
  const notice = await admin.page.locator('.notice.invitation').textContent();
  assert.match(notice, /An invitation was e-mailed to mia@people\.example/);
  assert.equal(await admin.page.locator('code.invitation-link').count(), 0, 'a mailed link is not shown too');
  // The user's page lists the message once it has gone.
  for (let i = 0; i < 50 && !(await admin.page.locator('table.mail td:has-text("Sent")').count()); i++) {
    await new Promise((r) => setTimeout(r, 200));
    await admin.page.reload();
  }
  assert.match(await admin.page.locator('table.mail').textContent(), /Welcome to Mail Example Inc/);
  await admin.check();
  await admin.close();

  const [welcome] = await smtp.waitFor(1);
  assert.deepEqual(welcome.rcpt_tos, ['mia@people.example']);
  assert.equal(welcome.subject, 'Welcome to Mail Example Inc: set up your account');
  assert.match(welcome.text, /Your extension is 301 in mail\.example/);

  // The user follows the link in the mail, sets a password and logs in.
  const user = await openPage(browser);
  const first = 'harbour lantern sequoia drum';
  await acceptLink(user.page, linkIn(welcome), first);
  await user.page.fill('#login', '301@mail.example');
  await user.page.fill('#password', first);
  await Promise.all([user.page.waitForURL(`${roster.base}/me`), user.page.click('button[type=submit]')]);
  await user.check();
  await user.close();
  const changed = (await smtp.waitFor(2))[1];
  assert.equal(changed.subject, 'Your password for Mail Example Inc was changed');

  // Later it forgets the password: the login page offers a reset by e-mail address.
  const again = await openPage(browser);
  await again.page.goto(`${roster.base}/login`);
  await hydrated(again.page);
  await Promise.all([again.page.waitForURL(/\/forgot-password$/), again.page.click('a:has-text("Forgot your password?")')]);
  await hydrated(again.page);
  await again.page.fill('#who', 'mia@people.example');
  await again.page.click('button:has-text("Send me a link")');
  await again.page.waitForSelector('text=If an account matches');
  const reset = (await smtp.waitFor(3))[2];
  assert.equal(reset.subject, 'Reset your password for Mail Example Inc');
  const second = 'copper meadow violin atlas';
  await acceptLink(again.page, linkIn(reset), second);
  await again.page.fill('#login', '301@mail.example');
  await again.page.fill('#password', second);
  await Promise.all([again.page.waitForURL(`${roster.base}/me`), again.page.click('button[type=submit]')]);
  // The link worked once.
  await again.page.goto(linkIn(reset));
  await again.page.waitForSelector('text=This link has expired or was already used');
  await again.check();
  await again.close();
});
