// Helpers for the browser tests: a Roster server of their own on a fresh SQLite file, and the
// system Chromium driven by Playwright, failing on any page error or console error.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

/** Starts `roster` on a new database; resolves once /readyz answers, with the printed link. */
export async function startRoster() {
  if (!BIN || !SITE_ROOT) throw new Error('ROSTER_BIN and ROSTER_SITE_ROOT must be set (scripts/test.sh does)');
  const dir = mkdtempSync(join(tmpdir(), 'roster-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, ['--database-url', join(dir, 'roster.db'), '--listen', `127.0.0.1:${port}`,
    '--site-root', SITE_ROOT, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
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

/**
 * A new page in its own context that records every page error and console error. `check()`
 * throws if any were seen (a hydration mismatch shows only there). `allow` lists console
 * messages a test expects, such as the 401 of a refused login.
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
    check() {
      if (problems.length) throw new Error(`browser reported errors:\n${problems.join('\n')}`);
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

/** Logs in through the login form (works with and without JavaScript). */
export async function logIn(page, base, login = 'admin', password = ADMIN_PASSWORD) {
  await page.goto(`${base}/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/domains`), page.click('button[type=submit]')]);
}
