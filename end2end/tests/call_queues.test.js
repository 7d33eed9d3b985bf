// A domain's call queues in a real browser, as its office manager runs them: a Ring All queue is
// added with its no-answer forward, agents are added on its page (a user that is not there is
// named on the field) and from a new user's form, paused, taken out; the queue's settings are
// saved and it is deleted. Without JavaScript too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminSuite, domainWithManager, hydrated, openPage } from './support.js';

const MANAGER_PASSWORD = 'copper meadow violin sketch';
const DOMAIN = 'queues.example';

let logInAsManager;
const suite = adminSuite(undefined, async (suite) => {
  logInAsManager = await domainWithManager(suite, DOMAIN, MANAGER_PASSWORD,
    [['101', 'Ann', 'Agent'], ['102', 'Ben', 'Agent']]);
});
const { call } = suite;

test('an office manager adds a Ring All queue, its agents from its page and from a new user, and runs them', async () => {
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 4(09|22)/] });
  const base = suite.roster.base;
  await logInAsManager(page);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/callqueues$/), page.click('a:has-text("Call queues")')]);
  await hydrated(page);
  await page.waitForSelector('text=No call queues yet');

  // A forward to voicemail is refused on its field (a queue has no box), with nothing written.
  await page.fill('#callqueue', '600');
  await page.fill('#description', 'Sales line');
  await page.selectOption('#callqueue-dispatch-type', 'Ring All');
  await page.fill('#forward-no-answer', 'voicemail');
  await page.click('button:has-text("Add call queue")');
  await page.waitForFunction(() => /no voicemail box/.test(document.querySelector('#forward-no-answer-error')?.textContent ?? ''));
  await page.fill('#forward-no-answer', '100');
  await Promise.all([
    page.waitForURL(/\/callqueues\/600\?done=callqueue-created$/),
    page.click('button:has-text("Add call queue")'),
  ]);
  await hydrated(page);
  await page.waitForSelector('.notice.ok[role=status]:has-text("The call queue is created.")');
  await page.waitForSelector('text=No agents yet');
  assert.equal(await page.inputValue('#callqueue-dispatch-type'), 'Ring All');
  assert.equal(await page.getAttribute('#callqueue', 'readonly'), '', 'its extension is its key');

  // A user the domain does not have is named on the field.
  await page.fill('#new-agent', '109');
  await page.click('button:has-text("Add agent")');
  await page.waitForFunction(() => /has no user 109/.test(document.querySelector('#new-agent-error')?.textContent ?? ''));
  for (const agent of ['101', '102']) {
    await page.fill('#new-agent', agent);
    await Promise.all([page.waitForURL(/done=agent-added$/), page.click('button:has-text("Add agent")')]);
    await page.waitForSelector(`table.agents th a:text-is("${agent}")`);
  }
  await page.fill('#new-agent', '101');
  await page.click('button:has-text("Add agent")');
  await page.waitForFunction(() => (document.querySelector('#new-agent-error')?.textContent ?? '').length > 0);
  await page.waitForSelector('text=2 agents of 2 available now');

  // Paused, an agent is not rung: the queue counts it out.
  const row = (agent) => page.locator(`table.agents tr:has(th a:text-is("${agent}"))`);
  await row('102').locator('select').selectOption('paused');
  await Promise.all([page.waitForURL(/done=agent-status-set$/), row('102').locator('button:has-text("Set")').click()]);
  await page.waitForSelector('text=1 agent of 2 available now');
  assert.equal(await row('102').locator('select').inputValue(), 'paused');
  assert.match(await row('101').textContent(), /Ann Agent/);

  // A new user named with the queue joins it, logged in.
  await call(page, 'create-user', {
    domain: DOMAIN,
    'input[user]': '103', 'input[name-first-name]': 'Cy', 'input[name-last-name]': 'Agent',
    'input[email]': `cy@${DOMAIN}`, 'input[groups]': '600',
  });
  await page.reload();
  await hydrated(page);
  await page.waitForSelector('text=2 agents of 3 available now');
  assert.equal(await row('103').locator('select').inputValue(), 'logged-in');

  // Taken out: its user stays.
  await row('101').locator('label.confirm input').check();
  await Promise.all([page.waitForURL(/done=agent-removed$/), row('101').locator('button:has-text("Take out")').click()]);
  await page.waitForSelector('text=1 agent of 2 available now');
  assert.equal(await row('101').count(), 0);

  // The settings are saved as a whole; a bad one is named and nothing is saved.
  await page.fill('#description', 'Sales and renewals');
  await page.fill('#callqueue-agent-dispatch-timeout-seconds', '0');
  await page.click('button:has-text("Save call queue")');
  await page.waitForFunction(() => (document.querySelector('#callqueue-agent-dispatch-timeout-seconds-error')?.textContent ?? '').length > 0);
  await page.fill('#callqueue-agent-dispatch-timeout-seconds', '20');
  await Promise.all([page.waitForURL(/\/callqueues\?done=callqueue-saved$/), page.click('button:has-text("Save call queue")')]);
  await hydrated(page);
  const listed = page.locator('table.callqueues tr:has(th a:text-is("600"))');
  assert.match(await listed.textContent(), /Sales and renewals.*Ring All.*1 available of 2.*100/);

  // Deleted, saying first that its agents go and their users stay.
  assert.match(await listed.locator('label.confirm').textContent(), /its 2 agents; their users stay/);
  await listed.locator('label.confirm input').check();
  await Promise.all([page.waitForURL(/done=callqueue-deleted$/), listed.locator('button:has-text("Delete")').click()]);
  await page.waitForSelector('text=No call queues yet');
  await page.goto(`${base}/domains/${DOMAIN}/users/103`);
  await page.waitForSelector('text=Cy');
  await check();
  await close();
});

test('without JavaScript a queue is added, given an agent and deleted with the same forms', async () => {
  const { page, check, close } = await openPage(suite.browser, { javaScriptEnabled: false });
  await logInAsManager(page);
  await page.goto(`${suite.roster.base}/domains/${DOMAIN}/callqueues`);
  await page.fill('#callqueue', '610');
  await Promise.all([page.waitForURL(/\/callqueues\/610\?done=callqueue-created$/), page.click('button:has-text("Add call queue")')]);
  await page.fill('#new-agent', '102');
  await Promise.all([page.waitForURL(/done=agent-added$/), page.click('button:has-text("Add agent")')]);
  await page.waitForSelector('table.agents th a:text-is("102")');
  await page.goto(`${suite.roster.base}/domains/${DOMAIN}/callqueues`);
  const listed = page.locator('table.callqueues tr:has(th a:text-is("610"))');
  assert.match(await listed.textContent(), /Round-robin.*1 available of 1.*Nobody is available/);
  await listed.locator('label.confirm input').check();
  await Promise.all([page.waitForURL(/done=callqueue-deleted$/), listed.locator('button:has-text("Delete")').click()]);
  await page.waitForSelector('text=No call queues yet');
  await check();
  await close();
});
