// Helpers for the browser tests: a Roster server of their own on a fresh SQLite file, and the
// system Chromium driven by Playwright, failing on any page error or console error.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const BIN = process.env.ROSTER_BIN;
const SITE_ROOT = process.env.ROSTER_SITE_ROOT;
export const ADMIN_PASSWORD = 'tangerine orbit cello lantern';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts `roster` on a new database; resolves once /readyz answers, with the printed link.
 * `args` are further flags (such as the SMTP relay).
 */
export async function startRoster({ args = [] } = {}) {
  if (!BIN || !SITE_ROOT) throw new Error('ROSTER_BIN and ROSTER_SITE_ROOT must be set (scripts/test.sh does)');
  const dir = mkdtempSync(join(tmpdir(), 'roster-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, ['--database-url', join(dir, 'roster.db'), '--listen', `127.0.0.1:${port}`,
    '--public-url', base, '--site-root', SITE_ROOT, '--log-level', 'warn', ...args],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  let link = null;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const at = line.indexOf('/set-password?token=');
    if (at >= 0) link = line.slice(line.indexOf('http')).trim();
  });
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok && link) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!link) throw new Error('roster did not print a set-password link');
  return {
    base,
    link,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * What axe-core (the accessibility engine) finds wrong with the page now shown, serious and
 * critical only, one line each: the rule, its help and the first elements concerned.
 */
export async function accessibilityProblems(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
}

/**
 * A new page in its own context that records every page error and console error. `check()`
 * throws if any were seen (a hydration mismatch shows only there), or if axe-core finds a
 * serious or critical accessibility problem on the page the test ends on. `allow` lists
 * console messages a test expects, such as the 401 of a refused login.
 */
export async function openPage(browser, { javaScriptEnabled = true, allow = [] } = {}) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !allow.some((re) => re.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  return {
    page,
    context,
    async check() {
      if (problems.length) throw new Error(`browser reported errors:\n${problems.join('\n')}`);
      if (javaScriptEnabled && !page.isClosed() && page.url().startsWith('http')) {
        const found = await accessibilityProblems(page);
        if (found.length) throw new Error(`axe-core on ${page.url()}:\n${found.join('\n')}`);
      }
    },
    async close() {
      await context.close();
    },
  };
}

/** Waits until the WASM has hydrated the page. */
export async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated]', { timeout: 30_000 });
}

/**
 * Calls the server function `endpoint` with the page's session (its cookies), as a form post;
 * fails unless it succeeds, and resolves to its JSON answer (or null).
 */
export async function callServer(page, base, endpoint, form) {
  const res = await page.request.post(`${base}/api/${endpoint}`, { form, headers: { accept: 'application/json' } });
  if (!res.ok()) throw new Error(`${endpoint} answered ${res.status()}: ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** Logs in through the login form (works with and without JavaScript). */
export async function logIn(page, base, login = 'admin', password = ADMIN_PASSWORD) {
  await page.goto(`${base}/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  try {
    await Promise.all([page.waitForURL(`${base}/domains`), page.click('button[type=submit]')]);
  } catch (e) {
    const said = await page.locator('.form-error').first().textContent({ timeout: 1000 }).catch(() => '');
    throw new Error(`logging in as ${login} did not reach /domains: at ${page.url()} the page said "${said}"`, { cause: e });
  }
}

/**
 * A domain run by an office manager, made with the Super User's session: the domain `domain`,
 * its Office Manager `100` (Olga Manning) whose invitation is accepted with `password`, and the
 * users `people` ([extension, first name, last name] each). Answers how to log in as the
 * manager (`logInAsManager(page)`: it lands on its domain's users).
 */
export async function domainWithManager(suite, domain, password, people) {
  const { page, close } = await openPage(suite.browser);
  await logIn(page, suite.roster.base);
  const person = (user, first, last, scope) => suite.call(page, 'create-user', {
    domain,
    'input[user]': user, 'input[name-first-name]': first, 'input[name-last-name]': last,
    'input[email]': `${first.toLowerCase()}@${domain}`,
    ...(scope ? { 'input[user-scope]': scope } : {}),
  });
  await suite.call(page, 'create-domain', { 'input[domain]': domain });
  await person('100', 'Olga', 'Manning', 'Office Manager');
  // The invitation waits in the creator's session (the last user's only), shown once.
  const { link } = await suite.call(page, 'take-invitation', { domain, user: '100' });
  for (const [user, first, last] of people) await person(user, first, last);
  await close();
  const invited = await openPage(suite.browser);
  await acceptLink(invited.page, link, password);
  await invited.close();
  return async function logInAsManager(page) {
    await page.goto(`${suite.roster.base}/login`);
    await page.fill('#login', `100@${domain}`);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(/\/users$/), page.click('button[type=submit]')]);
  };
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A real SMTP server (aiosmtpd, scripts/test-smtp.py) on a free loopback port: each message it
 * receives is a parsed JSON record (`subject`, `rcpt_tos`, `text`, `html`, ...).
 */
export async function startSmtp() {
  const python = process.env.ROSTER_TEST_SMTP_PYTHON || join(ROOT, 'target/test-smtp/bin/python');
  if (!existsSync(python)) throw new Error('the test SMTP server is not installed: run scripts/test-smtp.sh');
  const dir = mkdtempSync(join(tmpdir(), 'roster-smtp-'));
  const port = await freePort();
  const child = spawn(python, [join(ROOT, 'scripts/test-smtp.py'), '--port', String(port), '--dir', dir],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => { if (line === 'ready') resolve(); });
    child.once('exit', (code) => reject(new Error(`the test SMTP server exited (${code})`)));
  });
  const messages = () => readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  return {
    port,
    messages,
    /** Waits (at most 20 s) until `count` messages have arrived; returns them all. */
    async waitFor(count) {
      for (let i = 0; i < 200; i++) {
        const all = messages();
        if (all.length >= count) return all;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`expected ${count} messages, got ${messages().length}`);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The set-password link in a received message's text. */
export function linkIn(message) {
  const found = message.text.match(/https?:\/\/\S+\/set-password\?token=[0-9a-f]+/);
  if (!found) throw new Error(`no set-password link in: ${message.text}`);
  return found[0];
}

/** Sets a password through a one-time link, as its owner does; lands on the login page. */
export async function acceptLink(page, link, password) {
  await page.goto(link);
  await hydrated(page);
  await page.fill('#password', password);
  await page.fill('#confirm', password);
  await Promise.all([page.waitForURL(/\/login\?password=set/), page.click('button[type=submit]')]);
}

/**
 * A test file's Roster and browser, from `startWithAdmin(options)` before its tests and stopped
 * after them: `suite.roster` and `suite.browser` once the tests run, and `suite.call(page,
 * endpoint, form)`, a server function called with the page's session. `prepare(suite)`, if
 * given, runs in the same hook once they are up (Node 20 runs a file's top-level `before` hooks
 * without waiting for each other, so a second hook could not count on the first).
 */
export function adminSuite(options, prepare) {
  const suite = {
    roster: undefined,
    browser: undefined,
    call: (page, endpoint, form) => callServer(page, suite.roster.base, endpoint, form),
  };
  before(async () => {
    Object.assign(suite, await startWithAdmin(options));
    if (prepare) await prepare(suite);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.roster?.stop();
  });
  return suite;
}

/**
 * A Roster of its own (`options` as for startRoster) and a browser, with the first Super User's
 * password already chosen through the printed link: what most test files start from.
 */
export async function startWithAdmin(options) {
  const roster = await startRoster(options);
  const browser = await launchBrowser();
  const { page, close } = await openPage(browser);
  await acceptLink(page, roster.link, ADMIN_PASSWORD);
  await close();
  return { roster, browser };
}
