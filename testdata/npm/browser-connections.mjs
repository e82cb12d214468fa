// browser-connections.mjs: a person in Debian's headless Chromium, driven
// by playwright-core, connects their own account of a personal-mode
// server on Switchboard's "My connections" page: from the consent page's
// connect step (and back), and on the page itself.
//
//   SB_EMAIL=… SB_PASSWORD=… SB_SECRET=… node browser-connections.mjs CASES_JSON
//
// CASES_JSON is a list of cases, each run in a fresh browser context (no
// cookies, so each one starts signed out):
//
//   {"name", "kind": "consent", "url": "/oauth/authorize?…", "server": "pers",
//    "callback": "http://127.0.0.1:PORT/", "screenshot": "/path.png"}
//     open url, sign in, find server on the consent page as not connected
//     with a Connect link, follow it to /connections (server highlighted),
//     type SB_SECRET into the password field and save, come back to the
//     consent page (return_to), see the server connected, click Allow and
//     wait for the client's redirect (callback, a prefix of the redirect
//     URI). Then, on /connections without return_to, save the secret again
//     and read the "Saved." page.
//
//   {"name", "kind": "oauth", "url": "http://…/connections?server=oa",
//    "server": "oa", "asURL": "http://127.0.0.1:PORT", "sub": "dana-sub"}
//     with the authorization server's "sub" cookie set (whom it approves
//     at once), open url, sign in, click the server's Connect link and
//     wait until the browser is back on /connections; read the row.
//
//   {"name", "kind": "remove", "url": "http://…/connections?server=pers",
//    "server": "pers", "screenshot": "/path.png"}
//     open url, sign in, click Remove and read the page.
//
// The secret is never put in the report: the script reports whether the
// page's HTML or an input held it. The browser is never downloaded:
// SB_CHROMIUM (default /usr/bin/chromium) is launched with the flags this
// machine needs, and every URL is the loopback gateway's. Progress goes to
// stderr; stdout gets one JSON object, what the Go test
// (e2e/browser_connections_test.go) asserts.
import { chromium } from 'playwright-core';

const cases = JSON.parse(process.argv[2] ?? '[]');
const email = process.env.SB_EMAIL;
const password = process.env.SB_PASSWORD;
const secret = process.env.SB_SECRET;
const executablePath = process.env.SB_CHROMIUM || '/usr/bin/chromium';
if (!email || !password || !secret) throw new Error('SB_EMAIL, SB_PASSWORD and SB_SECRET must be set');
const log = (...a) => console.error('[browser]', ...a);

const report = { ok: false, cases: {} };
try {
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

function path(page) {
  return new URL(page.url()).pathname;
}

// leaks reports where the page shows the secret: its HTML or an input's
// or textarea's current value.
async function leaks(page) {
  const where = [];
  if ((await page.content()).includes(secret)) where.push(`HTML of ${path(page)}`);
  const values = await page.locator('input, textarea').evaluateAll((els) => els.map((e) => e.value));
  if (values.some((v) => v.includes(secret))) where.push(`an input of ${path(page)}`);
  return where;
}

// connectionRow reads one server's row on /connections.
async function connectionRow(page, server) {
  const li = page.locator(`ul.servers > li[data-server="${server}"]`);
  const secretInput = li.locator('input[name=secret], textarea[name=secret]');
  return {
    status: await li.getAttribute('data-status'),
    focus: (await li.getAttribute('class'))?.split(/\s+/).includes('focus') ?? false,
    shown: (await li.locator('.mode').innerText()).trim(),
    buttons: await li.locator('button').allInnerTexts(),
    links: await li.locator('a').allInnerTexts(),
    inputType: (await secretInput.count()) ? await secretInput.getAttribute('type') : '',
    inputValue: (await secretInput.count()) ? await secretInput.inputValue() : '',
  };
}

async function signIn(page, landing) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname === landing), page.getByRole('button', { name: 'Sign in' }).click()]);
}

// consentServers reads the servers of the consent page and their connect
// steps.
async function consentServers(page) {
  return page.locator('ul.servers > li').evaluateAll((lis) => lis.map((li) => {
    const connect = li.querySelector('.connect');
    return {
      name: li.querySelector('strong')?.innerText ?? '',
      mode: li.querySelector('.mode')?.innerText ?? '',
      needsConnect: connect !== null,
      connectText: connect?.innerText ?? '',
      connectHref: connect?.querySelector('a')?.getAttribute('href') ?? '',
    };
  }));
}

async function runCase(browser, c) {
  const out = { steps: [], leaks: [] };
  const ctx = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  const violations = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const step = () => out.steps.push(path(page));
  // Every page the browser asks for, redirects included (origin and path
  // only: the queries hold codes and states).
  out.navigations = [];
  page.on('request', (req) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      const u = new URL(req.url());
      out.navigations.push(u.origin + u.pathname);
    }
  });
  try {
    if (c.asURL) {
      // Who the test authorization server approves: its "sub" cookie.
      await ctx.addCookies([{ name: 'sub', value: c.sub, url: c.asURL }]);
    }
    await page.goto(c.url);
    step();
    if (c.kind === 'consent') await consentCase(page, c, out, step);
    else if (c.kind === 'remove') await removeCase(page, c, out, step);
    else if (c.kind === 'oauth') await oauthCase(page, c, out, step);
    else throw new Error(`unknown case kind ${c.kind}`);
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

async function consentCase(page, c, out, step) {
  await signIn(page, '/consent');
  step();
  out.consentBefore = await consentServers(page);

  // The consent page's connect step leads to My connections.
  const connect = page.locator(`.connect[data-server="${c.server}"]`).getByRole('link', { name: 'Connect' });
  await Promise.all([page.waitForURL((u) => u.pathname === '/connections'), connect.click()]);
  step();
  out.connectionsURL = page.url();
  out.connectionsTitle = await page.title();
  out.rowBefore = await connectionRow(page, c.server);
  out.backLink = (await page.getByRole('link', { name: 'Back to where you were' }).getAttribute('href')) ?? '';
  if (c.screenshot) await page.screenshot({ path: c.screenshot.replace(/\.png$/, '-connections.png'), fullPage: true });

  // Type the secret as a person would and save.
  const li = page.locator(`ul.servers > li[data-server="${c.server}"]`);
  await li.getByLabel('Token or key').pressSequentially(secret);
  await Promise.all([page.waitForURL((u) => u.pathname === '/consent'), li.getByRole('button', { name: 'Connect' }).click()]);
  step();
  out.leaks.push(...(await leaks(page)));
  out.consentAfter = await consentServers(page);
  out.consentAfterURL = page.url();
  if (c.screenshot) {
    await page.screenshot({ path: c.screenshot, fullPage: true });
    out.screenshot = c.screenshot;
  }

  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(c.callback)),
    page.getByRole('button', { name: 'Allow' }).click(),
  ]);
  out.finalURL = page.url();
  out.finalText = await page.locator('body').innerText();

  // Still signed in: My connections shows the server connected, and
  // saving the secret again there (no return_to) says so.
  await page.goto(new URL(`/connections?server=${encodeURIComponent(c.server)}`, c.url).href);
  step();
  out.leaks.push(...(await leaks(page)));
  out.rowConnected = await connectionRow(page, c.server);
  const row = page.locator(`ul.servers > li[data-server="${c.server}"]`);
  await row.getByLabel('Token or key').fill(secret);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/connections' && u.searchParams.get('done') !== null),
    row.getByRole('button', { name: 'Replace' }).click(),
  ]);
  step();
  out.leaks.push(...(await leaks(page)));
  out.savedMessage = (await page.getByRole('status').innerText().catch(() => '')).trim();
  out.rowSaved = await connectionRow(page, c.server);
  out.savedText = await page.locator('main').innerText();
}

async function removeCase(page, c, out, step) {
  await signIn(page, '/connections');
  step();
  out.connectionsURL = page.url();
  out.rowConnected = await connectionRow(page, c.server);
  const row = page.locator(`ul.servers > li[data-server="${c.server}"]`);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/connections' && u.searchParams.get('done') !== null),
    row.getByRole('button', { name: 'Remove' }).click(),
  ]);
  step();
  out.leaks.push(...(await leaks(page)));
  out.savedMessage = (await page.getByRole('status').innerText().catch(() => '')).trim();
  out.rowRemoved = await connectionRow(page, c.server);
  out.finalURL = page.url();
  if (c.screenshot) {
    await page.screenshot({ path: c.screenshot, fullPage: true });
    out.screenshot = c.screenshot;
  }
}

async function oauthCase(page, c, out, step) {
  await signIn(page, '/connections');
  step();
  out.connectionsURL = page.url();
  out.rowBefore = await connectionRow(page, c.server);
  const li = page.locator(`ul.servers > li[data-server="${c.server}"]`);
  const connect = li.getByRole('link', { name: 'Connect' });
  out.connectHref = (await connect.getAttribute('href')) ?? '';
  // The flow ends on /connections with the server marked and a note (no return_to).
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/connections' && u.searchParams.get('done') === 'connected'),
    connect.click(),
  ]);
  step();
  out.finalURL = page.url();
  out.rowConnected = await connectionRow(page, c.server);
  if (c.screenshot) {
    await page.screenshot({ path: c.screenshot, fullPage: true });
    out.screenshot = c.screenshot;
  }
}
