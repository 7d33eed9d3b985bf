// API keys in a real browser: a Super User makes a key, sees its token once, uses it against the
// HTTP API, and revokes it; without JavaScript, a refused key is shown with its field's problem.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hydrated, logIn, openPage, startWithAdmin } from './support.js';

let roster;
let browser;

/** `GET /ns-api/v2/domains` with a bearer token, from outside the browser. */
async function domainsWith(token) {
  return fetch(`${roster.base}/ns-api/v2/domains`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
}

before(async () => {
  ({ roster, browser } = await startWithAdmin());
});

after(async () => {
  await browser?.close();
  await roster?.stop();
});

test('a super user makes a key, sees its token once, uses it, and revokes it', async () => {
  const { page, check, close } = await openPage(browser);
  await logIn(page, roster.base);
  await hydrated(page);
  await Promise.all([page.waitForURL(`${roster.base}/api-keys`), page.click('.topbar nav a:has-text("API keys")')]);
  await hydrated(page);
  await page.waitForSelector('text=No keys yet.');
  // Every scope a Super User may give, but not No Portal.
  const scopes = await page.locator('#user-scope option').allTextContents();
  assert.ok(scopes.includes('Super User') && scopes.includes('Basic User') && !scopes.includes('No Portal'), scopes.join(', '));

  // The form as shown is valid for a Super User, who has no domain of its own: only the
  // description is left to type.
  assert.equal(await page.inputValue('#user-scope'), 'Super User');
  assert.equal(await page.inputValue('#domain'), '*');
  await page.fill('#description', 'Nightly sync from the billing system');
  await page.selectOption('#readonly', 'yes');
  await Promise.all([page.waitForURL(/\/api-keys\?created=[0-9a-f]+$/), page.click('button:has-text("Create key")')]);
  await hydrated(page);
  // The form is ready for the next key, not holding the last one's values.
  assert.equal(await page.inputValue('#description'), '');
  assert.equal(await page.inputValue('#readonly'), 'no');
  const token = (await page.locator('code.api-token').textContent()).trim();
  assert.match(token, /^rk_[0-9a-f]+_[0-9a-f]+$/);
  assert.match(await page.locator('.new-token').textContent(), /shown only now/);
  const row = page.locator('table.api-keys tbody tr');
  assert.equal(await row.count(), 1);
  const cells = await row.first().locator('td').allTextContents();
  assert.match(cells[0], /Nightly sync from the billing system/);
  assert.deepEqual(cells.slice(1, 5), ['Super User', '*', 'Yes', 'Any']);
  assert.match(cells[5], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  assert.equal(cells[6], 'Never');

  // The key works against the API, as the Super User, read-only.
  const listed = await domainsWith(token);
  assert.equal(listed.status, 200, await listed.text());
  // A reload shows the key, never its token again, and now when it was last used.
  await page.reload();
  await hydrated(page);
  await page.waitForSelector('table.api-keys');
  assert.equal(await page.locator('code.api-token').count(), 0);
  assert.match(await row.first().locator('td').nth(6).textContent(), /UTC$/);

  await Promise.all([page.waitForURL(/\/api-keys\?revoked=/), page.click('button:has-text("Revoke")')]);
  await hydrated(page);
  await page.waitForSelector('text=No keys yet.');
  await page.waitForSelector('text=no longer works');
  assert.equal((await domainsWith(token)).status, 401);

  // The API's documentation is one link away, its code set as code rather than in backticks.
  await Promise.all([page.waitForURL(`${roster.base}/ns-api/v2/docs`), page.click('a:has-text("API documentation")')]);
  await page.waitForSelector('h1:has-text("API")');
  assert.ok(await page.locator('section code').count() > 10);
  assert.doesNotMatch(await page.locator('body').innerText(), /`[^`\n]+`/);
  await check();
  await close();
});

test('without JavaScript, a refused key names its field and keeps what was typed', async () => {
  const { page, check, close } = await openPage(browser, { javaScriptEnabled: false });
  await logIn(page, roster.base);
  await page.goto(`${roster.base}/api-keys`);
  await page.fill('#description', 'too short');
  await page.fill('#domain', '*');
  await page.fill('#ip-address', '192.0.2.0/24');
  await page.fill('#allowed-models', 'subscriber, sites');
  await page.click('button:has-text("Create key")');
  await page.waitForSelector('text=Please correct the 2 fields marked below.');
  assert.match(await page.locator('#description-error').textContent(), /At least 12 characters/);
  assert.match(await page.locator('#allowed-models-error').textContent(), /Not a model: "sites"/);
  assert.equal(await page.inputValue('#ip-address'), '192.0.2.0/24');
  assert.equal(await page.inputValue('#domain'), '*');

  await page.fill('#description', 'Monitoring, from the office network');
  await page.fill('#allowed-models', 'subscriber, site');
  await Promise.all([page.waitForURL(/\/api-keys\?created=/), page.click('button:has-text("Create key")')]);
  assert.match(await page.locator('table.api-keys').textContent(), /models site, subscriber/);
  const token = (await page.locator('code.api-token').textContent()).trim();
  const answer = await fetch(`${roster.base}/ns-api/v2/domains`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(answer.status, 403, 'used from an address the key does not allow');
  assert.match(await page.locator('table.api-keys').textContent(), /192\.0\.2\.0\/24/);
  await check();
  await close();
});
