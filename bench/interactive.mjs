// Load to interactive in Chromium: how long a first visit to the login page takes until the WASM
// has hydrated it (body[data-hydrated]), with an empty cache each time, on loopback and over a
// throttled link (10 Mbit/s down, 40 ms round trip) where the bundle's size shows. Prints the
// median of five runs of each, and what was transferred. Asserts nothing.
// Usage: node bench/interactive.mjs http://127.0.0.1:PORT
import { createRequire } from 'node:module';
const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const base = process.argv[2];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function visit(throttled) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttled) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8,
    });
  }
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(`${base}/login`);
  await page.waitForSelector('body[data-hydrated]', { timeout: 60_000 });
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return { ms, bytes };
}

for (const throttled of [false, true]) {
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await visit(throttled));
  const label = throttled ? 'login page to interactive, 10 Mbit/s 40 ms' : 'login page to interactive, loopback';
  console.log(`${label.padEnd(44)} ${String(Math.round(median(runs.map((r) => r.ms)))).padStart(8)} ms` +
    `   (${(median(runs.map((r) => r.bytes)) / 1024).toFixed(0)} KiB transferred)`);
}
await browser.close();
