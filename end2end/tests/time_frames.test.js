// A domain's shared time frames in a real browser: a weekly frame is made from the week grid (a
// range that ends before it begins is refused on its cell, named by day and range), told in
// words in the list, changed on its own page, turned into an always frame and deleted. Without
// JavaScript too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminSuite, hydrated, logIn, openPage } from './support.js';

const DOMAIN = 'frames.example';

const suite = adminSuite(undefined, async () => {
  const { page, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  await suite.call(page, 'create-domain', { 'input[domain]': DOMAIN });
  await close();
});

/** The grid's cell for `day`'s range `n` (1 or 2), its `edge` being begin or end. */
const cell = (day, edge, n = 1) => `#timeframe-weekly-${day}-${edge}-time-${n}`;

test('a weekly frame is made from the grid, refused by cell, changed on its page and deleted', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 4(09|22)/] });
  const base = suite.roster.base;
  await logIn(page, base);
  await page.goto(`${base}/domains/${DOMAIN}/users`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/timeframes$/), page.click('a:has-text("Time frames")')]);
  await hydrated(page);
  await page.waitForSelector('text=No time frames yet');

  await page.fill('#timeframe-name', 'Business hours');
  await page.fill(cell('monday', 'begin'), '09:00');
  await page.fill(cell('monday', 'end'), '12:30');
  await page.fill(cell('monday', 'begin', 2), '13:30');
  await page.fill(cell('monday', 'end', 2), '17:00');
  await page.fill(cell('tuesday', 'begin'), '17:00');
  await page.fill(cell('tuesday', 'end'), '09:00');
  await page.click('button:has-text("Add time frame")');
  await page.waitForSelector('ul.form-error li:has-text("Tuesday, first range, to")');
  assert.equal(await page.getAttribute(cell('tuesday', 'end'), 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute(cell('monday', 'end'), 'aria-invalid'), 'false');
  assert.equal(await page.inputValue(cell('monday', 'end', 2)), '17:00', 'what was typed stays');
  await page.waitForSelector('text=No time frames yet');

  await page.fill(cell('tuesday', 'begin'), '09:00');
  await page.fill(cell('tuesday', 'end'), '23:59');
  await Promise.all([page.waitForURL(/\/timeframes\?done=timeframe-created$/), page.click('button:has-text("Add time frame")')]);
  await hydrated(page);
  const listed = page.locator('table.timeframes tr:has(th a:text-is("Business hours"))');
  assert.match(await listed.textContent(), /Days of the week.*Monday 09:00–12:30, 13:30–17:00.*Tuesday 09:00–24:00/);

  // The same name twice is refused on the name.
  await page.fill('#timeframe-name', 'Business hours');
  await page.click('button:has-text("Add time frame")');
  await page.waitForFunction(() => (document.querySelector('#timeframe-name-error')?.textContent ?? '').length > 0);

  // Its page shows the grid as saved; a new name and a Friday are saved.
  await Promise.all([page.waitForURL(/\/timeframes\/\d+$/), listed.locator('a').click()]);
  await hydrated(page);
  assert.equal(await page.inputValue(cell('monday', 'begin', 2)), '13:30');
  assert.equal(await page.inputValue(cell('tuesday', 'end')), '23:59');
  await page.fill('#timeframe-name', 'Office hours');
  await page.fill(cell('friday', 'begin'), '08:00');
  await page.fill(cell('friday', 'end'), '16:00');
  await Promise.all([page.waitForURL(/\/timeframes\?done=timeframe-saved$/), page.click('button:has-text("Save time frame")')]);
  await hydrated(page);
  const renamed = page.locator('table.timeframes tr:has(th a:text-is("Office hours"))');
  assert.match(await renamed.textContent(), /Friday 08:00–16:00/);
  assert.equal(await page.locator('table.timeframes tbody tr').count(), 1);

  // Made an always frame, its hours go.
  await Promise.all([page.waitForURL(/\/timeframes\/\d+$/), renamed.locator('a').click()]);
  await hydrated(page);
  await page.selectOption('#timeframe-type', 'always');
  await Promise.all([page.waitForURL(/done=timeframe-saved$/), page.click('button:has-text("Save time frame")')]);
  await hydrated(page);
  assert.match(await renamed.textContent(), /Always.*At all times\./);

  await renamed.locator('label.confirm input').check();
  await Promise.all([page.waitForURL(/done=timeframe-deleted$/), renamed.locator('button:has-text("Delete")').click()]);
  await page.waitForSelector('text=No time frames yet');
  await check();
  await close();
});

test('without JavaScript a frame is refused with what was typed, then added and deleted', async () => {
  const { page, check, close } = await openPage(suite.browser, { javaScriptEnabled: false });
  const base = suite.roster.base;
  await logIn(page, base);
  await page.goto(`${base}/domains/${DOMAIN}/timeframes`);
  await page.fill('#timeframe-name', 'Nights');
  await page.fill(cell('wednesday', 'begin'), '18:00');
  await page.click('button:has-text("Add time frame")');
  await page.waitForSelector('ul.form-error li:has-text("Wednesday, first range, to")');
  assert.equal(await page.inputValue('#timeframe-name'), 'Nights');
  assert.equal(await page.inputValue(cell('wednesday', 'begin')), '18:00');
  await page.fill(cell('wednesday', 'end'), '23:59');
  await Promise.all([page.waitForURL(/done=timeframe-created$/), page.click('button:has-text("Add time frame")')]);
  const listed = page.locator('table.timeframes tr:has(th a:text-is("Nights"))');
  assert.match(await listed.textContent(), /Wednesday 18:00–24:00/);
  await listed.locator('label.confirm input').check();
  await Promise.all([page.waitForURL(/done=timeframe-deleted$/), listed.locator('button:has-text("Delete")').click()]);
  await page.waitForSelector('text=No time frames yet');

  // A frame the grid cannot show whole (here an end date) is listed, not offered to the grid,
  // whose save would drop what it does not show.
  const res = await page.request.post(`${base}/ns-api/v2/domains/${DOMAIN}/timeframes`, {
    data: {
      'timeframe-name': 'This year', 'timeframe-type': 'days-of-week',
      'timeframe-days-of-week-array': [{
        'timeframe-weekly-monday-begin-time-1': '0900', 'timeframe-weekly-monday-end-time-1': '1700',
        'timeframe-recurrence-type': 'weekly',
        'timeframe-recurrence-end-option': 'onADate', 'timeframe-recurrence-end-date': '20271231',
      }],
    },
  });
  assert.ok(res.ok(), `the API answered ${res.status()}: ${await res.text()}`);
  await page.reload();
  const ending = page.locator('table.timeframes tr:has(th span:text-is("This year"))');
  assert.match(await ending.textContent(), /Monday 09:00–17:00.*Until 2027-12-31\./);
  assert.equal(await ending.locator('th a').count(), 0);
  await check();
  await close();
});
