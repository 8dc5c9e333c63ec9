// Headless Chromium tests of quorate's HTML reports.
//
// usage: node test.mjs DIR
// DIR holds the reports scripts/test-browser generated: strip.html (seed
// cause 1), patched.html (seed cause 2), hostile.html (untrusted names and
// strings), and optionally verify.html. Screenshots are written to DIR.
// Exits 1 on the first failed check, naming it.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

const dir = resolve(process.argv[2] || '../../target/browser-artifacts');
const exe = process.env.CHROMIUM || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'quorate-chromium-'));
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let failed = 0;
let passed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e && e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: exe, headless: true, args, viewport: { width: 1280, height: 900 },
});
// No network at all: any request that is not the report itself fails the test.
const requests = [];
await ctx.route('**/*', (route) => {
  const u = route.request().url();
  if (!u.startsWith('file://')) { requests.push(u); return route.abort(); }
  return route.continue();
});

async function open(file, opts = {}) {
  const page = await ctx.newPage();
  if (opts.dark) await page.emulateMedia({ colorScheme: 'dark' });
  const errors = [], dialogs = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(pathToFileURL(join(dir, file)).href, { waitUntil: 'load' });
  // The page's own script ran under its Content-Security-Policy.
  await page.waitForSelector('html[data-ready="1"]', { timeout: 5000 });
  return { page, errors, dialogs };
}

async function commonChecks(name, r) {
  const { page, errors, dialogs } = r;
  await check(`${name}: no console errors`, async () => assert.deepEqual(errors, []));
  await check(`${name}: no dialogs`, async () => assert.deepEqual(dialogs, []));
  await check(`${name}: one script, one style, strict CSP`, async () => {
    assert.equal(await page.locator('script').count(), 1);
    assert.equal(await page.locator('style').count(), 1);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
  });
  await check(`${name}: no inline event handlers, no javascript: links`, async () => {
    const bad = await page.evaluate(() => [...document.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].filter((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)).map((a) => `${el.tagName} ${a.name}`)));
    assert.deepEqual(bad, []);
  });
  await check(`${name}: skip link is the first Tab stop`, async () => {
    await page.keyboard.press('Tab');
    const t = await page.evaluate(() => document.activeElement.textContent);
    assert.match(t, /Skip to the report/);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  });
  await check(`${name}: every header cell has a scope`, async () => {
    assert.equal(await page.locator('th:not([scope])').count(), 0);
  });
  await check(`${name}: one h1`, async () => assert.equal(await page.locator('h1').count(), 1));
}

async function diffChecks(name, cause, expectText) {
  const r = await open(`${name}.html`);
  const { page } = r;
  await commonChecks(name, r);
  await check(`${name}: shows the finding ${cause}`, async () => {
    const f = page.locator('article.finding').first();
    await f.waitFor({ state: 'visible' });
    assert.match(await f.innerText(), new RegExp(cause));
    assert.match(await f.innerText(), /Fix:/);
  });
  await check(`${name}: section maps drawn (A and B), with differing ranges`, async () => {
    const maps = page.locator('svg.map');
    assert.ok(await maps.count() >= 2, 'two maps');
    await maps.first().scrollIntoViewIfNeeded();
    assert.ok((await maps.first().boundingBox()).width > 500, 'map is wide');
    assert.ok(await page.locator('svg.map rect.r').count() >= 2, 'differing ranges drawn');
    assert.ok(await page.locator('svg.map rect.sd').count() >= 1, 'a differing section');
    assert.ok(await maps.first().getAttribute('aria-labelledby'));
  });
  await check(`${name}: differing bytes highlighted in hex`, async () => {
    const m = page.locator('details.region[open] pre.hex mark').first();
    await m.scrollIntoViewIfNeeded();
    assert.ok(await m.isVisible(), 'a marked byte is visible');
    const bg = await m.evaluate((e) => getComputedStyle(e).backgroundColor);
    const pre = await m.evaluate((e) => getComputedStyle(e.closest('pre')).backgroundColor);
    assert.notEqual(bg, pre, 'the mark stands out');
  });
  if (expectText) {
    await check(`${name}: shows ${expectText}`, async () => {
      assert.ok((await page.locator('body').innerText()).includes(expectText));
    });
  }
  await check(`${name}: evidence links lead into an open region`, async () => {
    const link = page.locator('article.finding a[href^="#r-"]').first();
    assert.ok(await link.count() === 1, 'an evidence link to a region');
    const id = (await link.getAttribute('href')).slice(1);
    await page.evaluate((i) => { const d = document.getElementById(i); d.open = false; }, id);
    await link.click();
    await page.waitForFunction((i) => document.getElementById(i).open, id);
    assert.equal(await page.evaluate(() => location.hash.slice(1)), id);
  });
  await check(`${name}: expand all opens every region`, async () => {
    await page.locator('#expand-all').click();
    assert.equal(await page.locator('details.region:not([open])').count(), 0);
    assert.equal(await page.locator('#expand-all').getAttribute('aria-pressed'), 'true');
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  await page.screenshot({ path: join(dir, `${name}-top.png`) });
  await check(`${name}: print layout hides the toolbar`, async () => {
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.toolbar').isVisible(), false);
    await page.emulateMedia({ media: 'screen' });
  });
  await page.close();
  const d = await open(`${name}.html`, { dark: true });
  await check(`${name}: dark mode has a dark background`, async () => {
    const bg = await d.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 150, bg);
    assert.deepEqual(d.errors, []);
  });
  await d.page.screenshot({ path: join(dir, `${name}-dark.png`) });
  await d.page.close();
}

try {
  await diffChecks('strip', 'post-link-strip', '.shstrtab');
  await diffChecks('patched', 'patched-toolchain', '/nix/store/');

  const h = await open('hostile.html');
  await commonChecks('hostile', h);
  const hp = h.page;
  await check('hostile: injected script did not run (canary unset)', async () => {
    assert.equal(await hp.evaluate(() => typeof window.__pwned), 'undefined');
    assert.equal(await hp.evaluate(() => typeof window.__pwned2), 'undefined');
  });
  await check('hostile: hovering the names fires nothing', async () => {
    for (const el of await hp.locator('code, .mono').all()) { if (await el.isVisible()) await el.hover({ trial: false, timeout: 1000 }).catch(() => {}); }
    assert.deepEqual(h.dialogs, []);
    assert.equal(await hp.evaluate(() => typeof window.__pwned), 'undefined');
  });
  await check('hostile: the names and strings show literally', async () => {
    const t = await hp.locator('body').innerText();
    for (const s of ['<script>window.__pwned=1</script>', '"onmouseover=', '</style>', 'javascript:alert(3)', "'><img src=x onerror=window.__pwned2=1>"]) {
      assert.ok(t.includes(s), `literal ${JSON.stringify(s)}`);
    }
  });
  await check('hostile: no injected elements', async () => {
    assert.equal(await hp.locator('img').count(), 0);
    assert.equal(await hp.locator('main script, main style').count(), 0);
  });
  await check('hostile: no network request', async () => assert.deepEqual(requests, []));
  await hp.screenshot({ path: join(dir, 'hostile.png'), fullPage: true });
  await hp.close();

  // scripts/test-browser always writes verify.html: alice and bob (pinned,
  // threshold 2) and mallory (not pinned) sign with SSH keys, then
  // hello-linux-amd64 is changed. Exactly: QUORUM MET, GOOD, GOOD, UNKNOWN,
  // the changed file MISMATCH, the other MATCH, overall NOT VERIFIED.
  const v = await open('verify.html');
  await commonChecks('verify', v);
  await check('verify: the exact verdicts of the signers, the quorum and the files', async () => {
    const p = v.page;
    const rowVerdict = async (section, name) => {
      const rows = p.locator(`section[aria-labelledby="${section}"] tbody tr`).filter({ hasText: name });
      assert.equal(await rows.count(), 1, `one row for ${name}`);
      return (await rows.first().locator('span.verdict').first().innerText()).trim();
    };
    assert.equal((await p.locator('section[aria-labelledby="quorum"] span.verdict').innerText()).trim(), 'QUORUM MET');
    assert.equal(await p.locator('section[aria-labelledby="signers"] tbody tr').count(), 3);
    assert.equal(await rowVerdict('signers', 'manifest-alice-v1.0.0.sshsig'), 'GOOD');
    assert.equal(await rowVerdict('signers', 'manifest-bob-v1.0.0.sshsig'), 'GOOD');
    assert.equal(await rowVerdict('signers', 'manifest-mallory-v1.0.0.sshsig'), 'UNKNOWN');
    assert.equal(await rowVerdict('filetable', 'hello-linux-amd64'), 'MISMATCH');
    assert.equal(await rowVerdict('filetable', 'hello-src.tar.gz'), 'MATCH');
    const t = await p.locator('body').innerText();
    assert.match(t, /NOT VERIFIED/);
    assert.doesNotMatch(t, /QUORUM NOT MET/);
  });
  await v.page.screenshot({ path: join(dir, 'verify.png'), fullPage: true });
  await v.page.close();
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed; screenshots in ${dir}`);
process.exit(failed ? 1 : 0);
