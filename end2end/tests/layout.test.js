// Every page at a phone's width (390 px, and 360 px) and a desktop's (1280 px): nothing makes the
// page scroll sideways, the header's Log out stays on screen, axe-core finds no serious or
// critical accessibility problem, and a screenshot of each is kept in target/screenshots for a
// person to look at.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { accessibilityProblems, callServer, hydrated, logIn, openPage, adminSuite } from './support.js';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'screenshots');

const suite = adminSuite();

const SECTIONS = ['identity', 'login', 'organization', 'voicemail', 'caller-id', 'devices'];

/** Every page of the portal once logged in (the login pages are visited before). */
const PAGES = [
  '/',
  '/me',
  '/resellers',
  '/resellers/Phone%20Width%20Resale%20Company',
  '/domains',
  '/domains/new',
  '/domains/phone-width-example.example',
  '/domains/phone-width-example.example/users',
  '/domains/phone-width-example.example/users/new',
  '/domains/phone-width-example.example/users/import',
  '/domains/phone-width-example.example/sites',
  '/domains/phone-width-example.example/sites/Headquarters',
  '/domains/phone-width-example.example/phonenumbers',
  '/domains/phone-width-example.example/devices',
  '/domains/phone-width-example.example/users/2101',
  ...SECTIONS.map((s) => `/domains/phone-width-example.example/users/2101/edit/${s}`),
  '/audit',
  '/api-keys',
  '/outbox',
  '/outbox/1',
];

/** The pages seen before logging in. */
const PUBLIC = ['/login', '/forgot-password', '/set-password?token=not-a-real-token', '/no-such-page'];

/** How wide the document is against the window, at the page now shown. */
function widths(page) {
  return page.evaluate(() => ({ document: document.documentElement.scrollWidth, window: window.innerWidth }));
}

test('every main page fits 360 and 390 px phones and a 1280 px screen without scrolling sideways', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { page, check, close } = await openPage(suite.browser, { allow: [/status of 404/, /status of 410/] });
  const inaccessible = [];
  const audit = async (path, width) => {
    if (width === 360) return;
    for (const problem of await accessibilityProblems(page)) inaccessible.push(`${path} at ${width} px: ${problem}`);
  };
  for (const width of [360, 390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of PUBLIC) {
      await page.goto(`${suite.roster.base}${path}`);
      await hydrated(page);
      const seen = await widths(page);
      assert.ok(seen.document <= seen.window, `${path} at ${width} px: ${seen.document} > ${seen.window}`);
      await audit(path, width);
    }
  }
  await logIn(page, suite.roster.base);
  await callServer(page, suite.roster.base, 'create-reseller', {
    'input[reseller]': 'Phone Width Resale Company', 'input[description]': 'A reseller with a long description, to see it wrap',
    'input[email-send-smtp-hostname]': 'email-smtp.us-west-2.amazonaws.com', 'input[email-send-smtp-port]': '587',
  });
  await callServer(page, suite.roster.base, 'create-domain', {
    'input[domain]': 'phone-width-example.example', 'input[voicemail-enabled]': 'yes',
    'input[reseller]': 'Phone Width Resale Company',
    'input[description]': 'A domain with a long name, to see that long words wrap on a phone',
  });
  await callServer(page, suite.roster.base, 'create-user', {
    domain: 'phone-width-example.example',
    'input[user]': '2101', 'input[name-first-name]': 'Maximiliana', 'input[name-last-name]': 'Featherstonehaugh-Wolfeschlegel',
    'input[email]': 'maximiliana.featherstonehaugh@phone-width-example.example', 'input[department]': 'Customer Success',
    'input[phone-numbers]': '+1 612 555 0123', 'input[site]': 'Headquarters',
  });
  const overflowing = [];
  for (const width of [360, 390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of PAGES) {
      await page.goto(`${suite.roster.base}${path}`);
      await hydrated(page);
      const seen = await widths(page);
      if (seen.document > seen.window) overflowing.push(`${path} at ${width} px: ${seen.document} > ${seen.window}`);
      await page.screenshot({ path: join(SHOTS, `${width}${path.replaceAll('/', '_')}.png`), fullPage: true });
      await audit(path, width);
      // Log out is reachable without scrolling sideways.
      const logOut = page.locator('.topbar button:has-text("Log out")');
      assert.equal(await logOut.count(), 1, `Log out on ${path}`);
      const box = await logOut.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= width, `Log out on ${path} at ${width} px: ${JSON.stringify(box)}`);
    }
  }
  assert.deepEqual(overflowing, []);
  assert.deepEqual(inaccessible, []);
  await check();
  await close();
});
