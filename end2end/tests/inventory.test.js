// A domain's phone numbers and devices pages in a real browser: numbers added as a range (all or
// none), sent to a user, searched and released; devices added to a user, renamed, moved to
// another user, given a new password and deleted, each refusal named on its field or row. With
// JavaScript and without.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hydrated, logIn, openPage, adminSuite } from './support.js';

const suite = adminSuite();

const { call } = suite;

async function domainWithUsers(page, domain, users) {
  await call(page, 'create-domain', { 'input[domain]': domain });
  for (const user of users) {
    await call(page, 'create-user', {
      domain, 'input[user]': user, 'input[name-first-name]': 'Pat', 'input[name-last-name]': `Stock${user}`,
      'input[email]': `p${user}@${domain}`,
    });
  }
}

const textOf = async (locator) => (await locator.textContent()).trim();

test('numbers are added as a range, all or none, sent to a user, searched and released', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 409/, /status of 422/] });
  await logIn(page, suite.roster.base);
  await domainWithUsers(page, 'numbers.example', ['101', '102']);
  await page.goto(`${suite.roster.base}/domains/numbers.example/users`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/phonenumbers$/), page.click('a:has-text("Phone numbers")')]);
  await hydrated(page);
  await page.waitForSelector('text=No numbers yet');
  const row = (number) => page.locator(`table.numbers tr:has(th:text-is("${number}"))`);

  // A bad count is named as typed, with the model's own words.
  await page.fill('#numbers-count', '0');
  await page.locator('#numbers-first').focus();
  await page.waitForFunction(() => /from 1 to 1000/.test(document.querySelector('#numbers-count-error').textContent));

  // A range of three, available.
  await page.fill('#numbers-first', '+1 612 555 0198');
  await page.fill('#numbers-count', '3');
  await Promise.all([page.waitForURL(/done=numbers-added$/), page.click('button:has-text("Add numbers")')]);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The numbers are added.")');
  assert.deepEqual(await page.locator('table.numbers tbody th').allTextContents(), ['+16125550198', '+16125550199', '+16125550200']);
  assert.equal(await textOf(row('+16125550200').locator('td').first()), 'Available');
  assert.equal(await textOf(page.locator('table.numbers caption')), '3 numbers');

  // A range that overlaps one is refused whole, naming the taken number.
  await page.fill('#numbers-first', '+16125550200');
  await page.fill('#numbers-count', '2');
  await page.click('button:has-text("Add numbers")');
  await page.waitForFunction(() => /\+16125550200 already exists/.test(document.querySelector('#numbers-first-error').textContent));
  await page.goto(`${suite.roster.base}/domains/numbers.example/phonenumbers`);
  await hydrated(page);
  assert.equal(await textOf(page.locator('table.numbers caption')), '3 numbers', '+16125550201 was not added');

  // Sent to a user: the row links to it, and the user's page lists it.
  await row('+16125550199').locator('input[name=user]').fill('101');
  await Promise.all([page.waitForURL(/done=number-routed$/), row('+16125550199').locator('button:has-text("Send")').click()]);
  await page.waitForSelector('table.numbers a:has-text("User 101")');
  // A user that is not there is refused, saying so.
  await row('+16125550198').locator('input[name=user]').fill('999');
  await row('+16125550198').locator('button:has-text("Send")').click();
  await page.waitForSelector('.form-error[role=alert]:has-text("There is no user 999 in this domain.")');
  await page.goto(`${suite.roster.base}/domains/numbers.example/users/101`);
  assert.match(await page.locator('main').textContent(), /\+16125550199/);

  // Searched by part of a number, then released after saying whom it stops ringing.
  await page.goto(`${suite.roster.base}/domains/numbers.example/phonenumbers?q=0199`);
  await hydrated(page);
  assert.deepEqual(await page.locator('table.numbers tbody th').allTextContents(), ['+16125550199']);
  assert.match(await row('+16125550199').locator('label.confirm').textContent(), /It stops ringing 101\./);
  await row('+16125550199').locator('label.confirm input').check();
  await Promise.all([page.waitForURL(/done=number-released$/), row('+16125550199').locator('button:has-text("Release")').click()]);
  await page.waitForSelector('table.numbers caption:text-is("2 numbers")');
  await check();
  await close();
});

test('devices are listed with their users, added, renamed, moved, given a new password and deleted', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 409/, /status of 412/, /status of 422/] });
  await logIn(page, suite.roster.base);
  await domainWithUsers(page, 'devices.example', ['101', '102']);
  await page.goto(`${suite.roster.base}/domains/devices.example/users`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/devices$/), page.click('a:has-text("Devices")')]);
  await hydrated(page);
  const row = (device) => page.locator(`table.devices tr:has(th:text-is("${device}"))`);
  assert.equal(await textOf(page.locator('table.devices caption')), '2 devices; 0 of these registered now');
  assert.match(await textOf(row('101').locator('td').nth(1)), /Offline$/);

  // Added to a user; a user that is not there is named on its field.
  await page.fill('#new-device-name', 'desk101');
  await page.fill('#new-device-user', '999');
  await page.click('button:has-text("Add device")');
  await page.waitForFunction(() => /There is no user 999/.test(document.querySelector('#new-device-user-error').textContent));
  await page.fill('#new-device-user', '101');
  // Linked to its phone: a MAC address needs the phone's model.
  await page.fill('#new-device-mac', '00-15-65-1A-2B-3C');
  await page.click('button:has-text("Add device")');
  await page.waitForFunction(() => /Required with a MAC address/.test(document.querySelector('#new-device-model-error').textContent));
  await page.fill('#new-device-model', 'Yealink T54W');
  await Promise.all([page.waitForURL(/done=device-added$/), page.click('button:has-text("Add device")')]);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The device is added.")');
  assert.equal(await textOf(row('desk101').locator('td').first()), '101');
  assert.equal(await textOf(row('desk101').locator('td').nth(2)), 'Yealink T54W, 00:15:65:1a:2b:3c');
  assert.equal(await textOf(row('101').locator('td').nth(2)), 'Not linked');

  // Renamed.
  await row('desk101').locator('input[name=to]').first().fill('desk-101');
  await Promise.all([page.waitForURL(/done=device-renamed$/), row('desk101').locator('button:has-text("Rename")').click()]);
  await page.waitForSelector('table.devices th:text-is("desk-101")');

  // Moved to another user; a user's last device cannot leave it.
  await row('desk-101').locator('input[name=to]').nth(1).fill('102');
  await Promise.all([page.waitForURL(/done=device-moved$/), row('desk-101').locator('button:has-text("Move")').click()]);
  await page.waitForFunction(() => [...document.querySelectorAll('table.devices tr')].some((tr) => tr.querySelector('th')?.textContent === 'desk-101' && tr.querySelector('td')?.textContent.trim() === '102'));
  await row('101').locator('input[name=to]').nth(1).fill('102');
  await row('101').locator('button:has-text("Move")').click();
  await page.waitForSelector(".form-error[role=alert]:has-text(\"101 is this user's only device\")");

  // A new password, after saying so.
  const password = async () => {
    await row('desk-101').locator('button:has-text("Show password")').click();
    return textOf(row('desk-101').locator('code.password'));
  };
  const old = await password();
  await row('desk-101').locator('label.confirm input').first().check();
  await Promise.all([page.waitForURL(/done=device-password-reset$/), row('desk-101').locator('button:has-text("New password")').click()]);
  await page.waitForSelector('.notice.ok[role=status]:has-text("new SIP password")');
  await hydrated(page);
  const renewed = await password();
  assert.notEqual(renewed, old);
  assert.ok(renewed.length >= 16, renewed);

  // Deleted.
  await row('desk-101').locator('label.confirm input').nth(1).check();
  await Promise.all([page.waitForURL(/done=device-deleted$/), row('desk-101').locator('button:has-text("Delete")').click()]);
  await page.waitForSelector('table.devices caption:text-is("2 devices; 0 of these registered now")');
  assert.equal(await row('desk-101').count(), 0);
  await check();
  await close();
});

test('without JavaScript numbers and devices are added and removed with the same forms', async () => {
  const { page, check, close } = await openPage(suite.browser, { javaScriptEnabled: false });
  await logIn(page, suite.roster.base);
  await domainWithUsers(page, 'stock-nojs.example', ['101']);
  await page.goto(`${suite.roster.base}/domains/stock-nojs.example/phonenumbers`);
  await page.fill('#numbers-first', '+44 20 7946 0958');
  await page.fill('#numbers-count', '1');
  await page.fill('#numbers-user', '101');
  await Promise.all([page.waitForURL(/done=numbers-added$/), page.click('button:has-text("Add numbers")')]);
  await page.waitForSelector('table.numbers a:has-text("User 101")');
  await page.locator('table.numbers label.confirm input').check();
  await Promise.all([page.waitForURL(/done=number-released$/), page.click('table.numbers button:has-text("Release")')]);
  await page.waitForSelector('text=No numbers yet');

  await page.goto(`${suite.roster.base}/domains/stock-nojs.example/devices`);
  await page.fill('#new-device-name', 'softphone101');
  await page.fill('#new-device-user', '101');
  await Promise.all([page.waitForURL(/done=device-added$/), page.click('button:has-text("Add device")')]);
  const row = page.locator('table.devices tr:has(th:text-is("softphone101"))');
  await row.locator('label.confirm input').nth(1).check();
  await Promise.all([page.waitForURL(/done=device-deleted$/), row.locator('button:has-text("Delete")').click()]);
  await page.waitForSelector('table.devices caption:text-is("1 device; 0 of these registered now")');
  await check();
  await close();
});
