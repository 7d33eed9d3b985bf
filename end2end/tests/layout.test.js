// The main pages at a phone's width (390 px, and 360 px) and a desktop's (1280 px): nothing makes
// the page scroll sideways, the header's Log out stays on screen, and a screenshot of each is kept
// in target/screenshots for a person to look at.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { callServer, hydrated, logIn, openPage, startWithAdmin } from './support.js';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'screenshots');

let roster;
let browser;

before(async () => {
  ({ roster, browser } = await startWithAdmin());
});

after(async () => {
  await browser?.close();
  await roster?.stop();
});

const PAGES = [
  '/domains',
  '/domains/new',
  '/domains/phone-width-example.example',
  '/domains/phone-width-example.example/users',
  '/domains/phone-width-example.example/users/new',
  '/domains/phone-width-example.example/users/import',
  '/domains/phone-width-example.example/users/2101',
  '/domains/phone-width-example.example/users/2101/edit',
  '/audit',
  '/api-keys',
  '/outbox',
];

/** How wide the document is against the window, at the page now shown. */
function widths(page) {
  return page.evaluate(() => ({ document: document.documentElement.scrollWidth, window: window.innerWidth }));
}

test('every main page fits 360 and 390 px phones and a 1280 px screen without scrolling sideways', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { page, check, close } = await openPage(browser);
  for (const width of [360, 390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(`${roster.base}/login`);
    await hydrated(page);
    const login = await widths(page);
    assert.ok(login.document <= login.window, `/login at ${width} px: ${login.document} > ${login.window}`);
  }
  await logIn(page, roster.base);
  await callServer(page, roster.base, 'create-domain', {
    'input[domain]': 'phone-width-example.example', 'input[voicemail-enabled]': 'yes',
    'input[description]': 'A domain with a long name, to see that long words wrap on a phone',
  });
  await callServer(page, roster.base, 'create-user', {
    domain: 'phone-width-example.example',
    'input[user]': '2101', 'input[name-first-name]': 'Maximiliana', 'input[name-last-name]': 'Featherstonehaugh-Wolfeschlegel',
    'input[email]': 'maximiliana.featherstonehaugh@phone-width-example.example', 'input[department]': 'Customer Success',
    'input[phone-numbers]': '+1 612 555 0123',
  });
  const overflowing = [];
  for (const width of [360, 390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of PAGES) {
      await page.goto(`${roster.base}${path}`);
      await hydrated(page);
      const seen = await widths(page);
      if (seen.document > seen.window) overflowing.push(`${path} at ${width} px: ${seen.document} > ${seen.window}`);
      await page.screenshot({ path: join(SHOTS, `${width}${path.replaceAll('/', '_')}.png`), fullPage: true });
      // Log out is reachable without scrolling sideways.
      const box = await page.locator('.topbar button:has-text("Log out")').boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= width, `Log out on ${path} at ${width} px: ${JSON.stringify(box)}`);
    }
  }
  assert.deepEqual(overflowing, []);
  check();
  await close();
});
