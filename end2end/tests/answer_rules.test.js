// A user's answer rules in a real browser, as its domain's office manager sets them: a business-
// hours frame and an after-hours one exist; the user gets an after-hours forward (a destination
// the domain lacks is refused on its field, what was typed kept), then a do-not-disturb rule that
// is moved first and takes effect, switched off, and the forward deleted. Without JavaScript too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminSuite, domainWithManager, hydrated, openPage } from './support.js';

const MANAGER_PASSWORD = 'harbor lilac tundra pocket';
const DOMAIN = 'rules.example';

let logInAsManager;
const suite = adminSuite(undefined, async (suite) => {
  logInAsManager = await domainWithManager(suite, DOMAIN, MANAGER_PASSWORD,
    [['101', 'Rita', 'Reception'], ['102', 'Nina', 'Night'], ['103', 'Dora', 'Day']]);
});

/** A week entry of NetSapiens' days-of-week frame: every day in the ranges `ranges` (HHMM). */
function everyDay(...ranges) {
  const entry = { 'timeframe-recurrence-type': 'weekly' };
  for (const day of ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) {
    ranges.forEach(([from, to], i) => {
      entry[`timeframe-weekly-${day}-begin-time-${i + 1}`] = from;
      entry[`timeframe-weekly-${day}-end-time-${i + 1}`] = to;
    });
  }
  return entry;
}

/** Makes a shared frame of the domain through the API, with the page's session. */
async function frame(page, body) {
  const res = await page.request.post(`${suite.roster.base}/ns-api/v2/domains/${DOMAIN}/timeframes`, { data: body });
  assert.ok(res.ok(), `the API answered ${res.status()}: ${await res.text()}`);
}

const row = (page, name) => page.locator(`table.answerrules tr:has(th:text-is("${name}"))`);

/** Waits until the rules are listed in the order `names` (the list follows each change). */
async function expectOrder(page, names) {
  const listed = () => [...document.querySelectorAll('table.answerrules tbody th')].map((th) => th.textContent);
  await page.waitForFunction(
    (names) => [...document.querySelectorAll('table.answerrules tbody th')].map((th) => th.textContent).join('|') === names.join('|'),
    names, { timeout: 5000 },
  ).catch(() => {});
  assert.deepEqual(await page.evaluate(listed), names);
}

/** Waits until the row of `name` says `text` (a regular expression's source), then checks it. */
async function expectRow(page, name, text) {
  await page.waitForSelector(`table.answerrules tr:has(th:text-is("${name}")):text-matches("${text}")`, { timeout: 5000 })
    .catch(() => {});
  assert.match(await row(page, name).textContent(), new RegExp(text));
}

test('an office manager gives a user an after-hours forward and a do-not-disturb rule, ordered, switched off, deleted', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 4(09|22)/] });
  const base = suite.roster.base;
  await logInAsManager(page);
  await frame(page, { 'timeframe-name': 'Business hours', 'timeframe-type': 'days-of-week',
    'timeframe-days-of-week-array': [everyDay(['0900', '1700'])] });
  await frame(page, { 'timeframe-name': 'After hours', 'timeframe-type': 'days-of-week',
    'timeframe-days-of-week-array': [everyDay(['1700', '2359'], ['0000', '0900'])] });
  await frame(page, { 'timeframe-name': 'Always', 'timeframe-type': 'always' });

  await page.goto(`${base}/domains/${DOMAIN}/users/101`);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/users\/101\/answerrules$/), page.click('a:has-text("By time frame")')]);
  await hydrated(page);
  assert.match(await row(page, 'Default (*)').textContent(), /In effect.*Rings the user's phones/);

  // A forward to an extension the domain lacks is refused on its field.
  await page.selectOption('#time-frame', 'After hours');
  await page.fill('#forward-always', '199');
  await page.click('button:has-text("Save rule")');
  await page.waitForFunction(() => (document.querySelector('#forward-always-error')?.textContent ?? '').includes('no extension 199'));
  assert.equal(await page.inputValue('#forward-always'), '199', 'what was typed stays');
  assert.equal(await page.locator('table.answerrules tbody tr').count(), 1, 'nothing written');

  await page.fill('#forward-always', '102');
  await Promise.all([page.waitForURL(/done=answerrule-saved$/), page.click('button:has-text("Save rule")')]);
  await hydrated(page);
  await expectRow(page, 'After hours', 'Always forward to 102');

  // A second rule, do-not-disturb at all times, comes after it; moved first, it takes effect.
  await page.selectOption('#time-frame', 'Always');
  await page.selectOption('#do-not-disturb', 'yes');
  await Promise.all([page.waitForURL(/done=answerrule-saved$/), page.click('button:has-text("Save rule")')]);
  await hydrated(page);
  await expectOrder(page, ['After hours', 'Always', 'Default (*)']);
  await Promise.all([page.waitForURL(/done=answerrule-moved$/), page.click('button[aria-label="Move up: Always"]')]);
  await hydrated(page);
  await expectOrder(page, ['Always', 'After hours', 'Default (*)']);
  await expectRow(page, 'Always', 'In effect.*Do not disturb');

  // Switched off, it is passed over.
  await Promise.all([page.waitForURL(/done=answerrule-moved$/), page.click('button[aria-label="Switch off: Always"]')]);
  await hydrated(page);
  await expectRow(page, 'Always', 'Off');
  assert.doesNotMatch(await row(page, 'Always').textContent(), /In effect/);
  assert.equal(await page.locator('table.answerrules tbody tr:has-text("In effect")').count(), 1);

  // The after-hours forward deleted: the frame then may be too.
  const afterHours = row(page, 'After hours');
  await afterHours.locator('label.confirm input').check();
  await Promise.all([page.waitForURL(/done=answerrule-deleted$/), afterHours.locator('button:has-text("Delete")').click()]);
  await hydrated(page);
  await expectOrder(page, ['Always', 'Default (*)']);
  await check();
  await close();
});

test('without JavaScript a rule is refused with what was typed, then saved and replaced', async () => {
  const { page, check, close } = await openPage(suite.browser, { javaScriptEnabled: false });
  const base = suite.roster.base;
  await logInAsManager(page);
  await page.goto(`${base}/domains/${DOMAIN}/users/103/answerrules`);
  await page.selectOption('#time-frame', 'Business hours');
  await page.fill('#forward-no-answer', 'not a destination');
  await page.click('button:has-text("Save rule")');
  await page.waitForSelector('#forward-no-answer-error:not(:empty)');
  assert.equal(await page.inputValue('#forward-no-answer'), 'not a destination');
  await page.fill('#forward-no-answer', 'voicemail');
  await Promise.all([page.waitForURL(/done=answerrule-saved$/), page.click('button:has-text("Save rule")')]);
  assert.match(await row(page, 'Business hours').textContent(), /When not answered, forward to voicemail/);
  // Saved again for the same frame, the rule is replaced whole.
  await page.selectOption('#time-frame', 'Business hours');
  await page.fill('#forward-on-busy', '101');
  await Promise.all([page.waitForURL(/done=answerrule-saved$/), page.click('button:has-text("Save rule")')]);
  const replaced = await row(page, 'Business hours').textContent();
  assert.match(replaced, /When busy, forward to 101/);
  assert.doesNotMatch(replaced, /voicemail/);
  await check();
  await close();
});
