// browser-consent.mjs: a person in Debian's headless Chromium, driven by
// playwright-core, signs in to Switchboard and answers its consent page.
//
//   SB_EMAIL=… SB_PASSWORD=… node browser-consent.mjs CASES_JSON
//
// CASES_JSON is a list of {"name", "url", "decision": "approve"|"deny",
// "duration": "90", "screenshot": "/path.png", "callback": "http://127.0.0.1:PORT/"}.
// Each case gets a fresh browser context (no cookies), so each one starts
// signed out: open url (an /oauth/authorize request), fill the sign-in
// form, read the consent page and screenshot it, pick the duration, click
// Allow or Deny, and wait until the browser lands on the client's
// redirect (callback, a prefix of the redirect URI).
//
// The browser is never downloaded: SB_CHROMIUM (default /usr/bin/chromium)
// is launched with the flags this machine needs (no sandbox as root, no
// background networking on a closed network). Progress goes to stderr;
// stdout gets one JSON object, what the Go test (e2e/browser_test.go)
// asserts.
import { chromium } from 'playwright-core';

const cases = JSON.parse(process.argv[2] ?? '[]');
const email = process.env.SB_EMAIL;
const password = process.env.SB_PASSWORD;
const executablePath = process.env.SB_CHROMIUM || '/usr/bin/chromium';
if (!email || !password) throw new Error('SB_EMAIL and SB_PASSWORD must be set');
const log = (...a) => console.error('[browser]', ...a);

const report = { ok: false, cases: {} };
try {
  // Playwright gives the browser a new, empty --user-data-dir of its own
  // and removes it at close.
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  report.browserVersion = browser.version();
  log('chromium', report.browserVersion);
  try {
    for (const c of cases) {
      report.cases[c.name] = await runCase(browser, c);
    }
  } finally {
    await browser.close();
  }
  report.ok = true;
} catch (err) {
  report.error = String(err?.stack ?? err);
  process.exitCode = 1;
} finally {
  process.stdout.write(JSON.stringify(report) + '\n');
}

async function runCase(browser, c) {
  const out = { steps: [] };
  const ctx = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  const violations = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  try {
    await page.goto(c.url);
    out.steps.push(new URL(page.url()).pathname);
    out.loginTitle = await page.title();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await Promise.all([page.waitForURL((u) => u.pathname === '/consent'), page.getByRole('button', { name: 'Sign in' }).click()]);
    out.steps.push(new URL(page.url()).pathname);
    out.consentTitle = await page.title();
    out.heading = await page.locator('h1').innerText();
    out.text = await page.locator('main').innerText();
    out.servers = await page.locator('ul.servers > li strong').allInnerTexts();
    out.durations = await page.locator('input[name=duration]').evaluateAll((els) => els.map((e) => e.value));
    out.checkedDuration = await page.locator('input[name=duration]:checked').inputValue();
    if (c.screenshot) {
      await page.screenshot({ path: c.screenshot, fullPage: true });
      out.screenshot = c.screenshot;
    }
    if (c.duration) {
      // Click the label a person sees, not the input.
      const label = c.duration === '1' ? '1 day' : `${c.duration} days`;
      await page.getByLabel(label, { exact: true }).check();
      out.chosenDuration = await page.locator('input[name=duration]:checked').inputValue();
    }
    const button = c.decision === 'deny' ? 'Deny' : 'Allow';
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(c.callback)),
      page.getByRole('button', { name: button }).click(),
    ]);
    out.finalURL = page.url();
    out.finalText = await page.locator('body').innerText();
  } catch (err) {
    out.error = String(err?.stack ?? err);
    out.atURL = page.url();
    out.atText = await page.locator('body').innerText().catch(() => '');
    if (c.screenshot) {
      out.failureScreenshot = c.screenshot.replace(/\.png$/, '-failure.png');
      await page.screenshot({ path: out.failureScreenshot, fullPage: true }).catch(() => {});
    }
  } finally {
    out.cspViolations = violations;
    await ctx.close();
  }
  log(c.name, out.error ? 'failed' : 'done', out.finalURL ?? out.atURL);
  return out;
}
