// ts-client.mjs: the official TypeScript MCP SDK client, authorized through
// its OAuthClientProvider interface, against a Switchboard endpoint.
//
//   SB_EMAIL=… SB_PASSWORD=… node ts-client.mjs http://127.0.0.1:PORT/mcp/ENDPOINT
//
// The SDK does everything an OAuth-capable MCP client does on its own:
// the first request gets a 401, it discovers the protected resource and the
// authorization server, registers dynamically (RFC 7591) and builds the
// authorization URL with PKCE S256 and the RFC 8707 resource. Our provider's
// redirectToAuthorization plays the user's browser with fetch and a cookie
// jar (sign in, read the consent page, choose 7 days, Allow) and the
// redirect lands on a real loopback listener, as in a desktop client
// (RFC 8252). transport.finishAuth(code) exchanges the code. Then it lists
// the tools, calls TOOL (env SB_TOOL), refreshes through the SDK's auth(),
// calls again, revokes the refresh token (RFC 7009) and checks that the
// next call is refused and the SDK asks for a new authorization.
//
// Progress goes to stderr; stdout gets one JSON object, the facts the Go
// test (e2e/oauth_ts_test.go) asserts. No token is ever printed, only
// prefixes and whether tokens changed.
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const mcpURL = new URL(process.argv[2] ?? '');
const email = process.env.SB_EMAIL;
const password = process.env.SB_PASSWORD;
const tool = process.env.SB_TOOL ?? 'up__echo';
const duration = process.env.SB_DURATION ?? '7';
if (!email || !password) {
  throw new Error('SB_EMAIL and SB_PASSWORD must be set');
}
const log = (...a) => console.error('[ts-client]', ...a);

// The loopback redirect target, like a desktop client's.
const callbacks = [];
let callbackWaiter = null;
const callbackServer = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://127.0.0.1');
  if (u.pathname !== '/callback') {
    res.writeHead(404).end();
    return;
  }
  callbacks.push(Object.fromEntries(u.searchParams));
  res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
  callbackWaiter?.();
});
await new Promise((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
const redirectUrl = `http://127.0.0.1:${callbackServer.address().port}/callback`;

// A minimal cookie jar for one origin: Switchboard's.
const jar = new Map();
function keepCookies(res) {
  for (const c of res.headers.getSetCookie()) {
    const [pair, ...attrs] = c.split(';');
    const i = pair.indexOf('=');
    const name = pair.slice(0, i).trim();
    const value = pair.slice(i + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=(0|-)/i.test(a)) || value === '';
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
}
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

// browse sends a request and follows redirects while they stay on
// Switchboard; it stops at one that leaves it and returns its Location.
async function browse(url, init = {}) {
  let u = new URL(url);
  for (let i = 0; i < 10; i++) {
    const res = await fetch(u, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: cookieHeader() } });
    keepCookies(res);
    const loc = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !loc) {
      return { status: res.status, url: u, body: await res.text(), headers: res.headers };
    }
    const next = new URL(loc, u);
    if (next.origin !== mcpURL.origin) {
      return { status: res.status, url: u, left: next };
    }
    u = next;
    init = {};
  }
  throw new Error('too many redirects');
}

const unescape = (s) =>
  s.replaceAll('&#43;', '+').replaceAll('&#34;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');

// form returns the action and the hidden fields and checked radios of the
// page's first form.
function form(page) {
  const m = page.body.match(/<form method="post" action="([^"]*)">/);
  if (!m) throw new Error(`no form on the page (${page.status}): ${page.body.slice(0, 500)}`);
  const fields = new URLSearchParams();
  for (const f of page.body.matchAll(/<input type="(hidden|radio)" name="(\w+)" value="([^"]*)"( checked)?>/g)) {
    if (f[1] === 'radio' && !f[4]) continue;
    fields.set(f[2], unescape(f[3]));
  }
  return { action: unescape(m[1]), fields };
}

const post = (action, fields) =>
  browse(new URL(action, mcpURL), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });

// What the Go test checks.
const report = { redirectUrl, authorizations: 0 };

// userAgent plays the browser: sign in, read the consent page, approve.
async function userAgent(authorizationUrl) {
  let page = await browse(authorizationUrl);
  report.loginShown = page.body?.includes('action="/login"') ?? false;
  if (report.loginShown) {
    const { action, fields } = form(page);
    fields.set('email', email);
    fields.set('password', password);
    page = await post(action, fields);
  }
  if (page.left) throw new Error(`sign-in left Switchboard for ${page.left}`);
  const { action, fields } = form(page);
  if (!action.startsWith('/consent?')) throw new Error(`expected the consent form, got ${action}: ${page.body}`);
  report.consent = {
    status: page.status,
    csp: page.headers.get('content-security-policy'),
    defaultDuration: fields.get('duration'),
    durations: [...page.body.matchAll(/name="duration" value="(\d+)"/g)].map((m) => m[1]),
    body: page.body,
  };
  fields.set('duration', duration);
  fields.set('decision', 'approve');
  const done = await post(action, fields);
  if (!done.left) throw new Error(`consent did not redirect to the client: ${done.status} ${done.body}`);
  // Deliver the redirect to our loopback listener, as the browser would.
  const arrived = new Promise((resolve) => (callbackWaiter = resolve));
  const res = await fetch(done.left, { redirect: 'manual' });
  await res.text();
  await arrived;
}

class InMemoryProvider {
  constructor() {
    this.store = {};
  }
  get redirectUrl() {
    return redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: 'TypeScript SDK e2e',
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    this.store.state = 'ts-' + Math.random().toString(36).slice(2);
    return this.store.state;
  }
  clientInformation() {
    return this.store.client;
  }
  saveClientInformation(info) {
    this.store.client = info;
  }
  tokens() {
    return this.store.tokens;
  }
  saveTokens(tokens) {
    this.store.tokens = tokens;
  }
  saveCodeVerifier(v) {
    this.store.verifier = v;
  }
  codeVerifier() {
    return this.store.verifier;
  }
  saveDiscoveryState(s) {
    this.store.discovery = s;
  }
  discoveryState() {
    return this.store.discovery;
  }
  invalidateCredentials(scope) {
    log('invalidateCredentials', scope);
    (report.invalidated ??= []).push(scope);
    if (scope === 'all' || scope === 'tokens') delete this.store.tokens;
    if (scope === 'all' || scope === 'client') delete this.store.client;
    if (scope === 'all' || scope === 'verifier') delete this.store.verifier;
    if (scope === 'all' || scope === 'discovery') delete this.store.discovery;
  }
  async redirectToAuthorization(url) {
    report.authorizations++;
    log('authorization URL', url.href);
    if (report.authorizations > 1) {
      // After revocation the SDK must come back here; the user is not asked again.
      report.reauthorizationRequested = true;
      return;
    }
    report.authorizeParams = Object.fromEntries(url.searchParams);
    delete report.authorizeParams.code_challenge;
    delete report.authorizeParams.state;
    await userAgent(url);
  }
}

const textOf = (res) => res.content?.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

async function main() {
  const provider = new InMemoryProvider();
  let transport = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
  let client = new Client({ name: 'switchboard-ts-e2e', version: '1.0.0' });
  try {
    await client.connect(transport);
    throw new Error('connected without authorization');
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
    log('first connect: UnauthorizedError, as expected');
  }
  const cb = callbacks.at(-1);
  if (!cb?.code) throw new Error(`no code reached the loopback redirect: ${JSON.stringify(cb)}`);
  report.callback = { stateMatches: cb.state === provider.store.state, iss: cb.iss, hasCode: true };
  report.clientId = provider.store.client?.client_id;
  await transport.finishAuth(cb.code);
  const first = provider.tokens();
  report.tokenPrefixes = [first.access_token.slice(0, 4), first.refresh_token?.slice(0, 4)];
  report.tokenType = first.token_type;
  report.expiresIn = first.expires_in;
  await client.close().catch(() => {});

  transport = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
  client = new Client({ name: 'switchboard-ts-e2e', version: '1.0.0' });
  await client.connect(transport);
  report.serverInfo = client.getServerVersion();
  report.tools = (await client.listTools()).tools.map((t) => t.name);
  const r1 = await client.callTool({ name: tool, arguments: { text: 'hello from typescript' } });
  report.call = { isError: !!r1.isError, text: textOf(r1) };

  // Refresh as the SDK does when its access token is refused: auth() with
  // a stored refresh token rotates both tokens.
  report.refreshResult = await auth(provider, { serverUrl: mcpURL });
  const second = provider.tokens();
  report.rotated = second.access_token !== first.access_token && second.refresh_token !== first.refresh_token;
  const r2 = await client.callTool({ name: tool, arguments: { text: 'after refresh' } });
  report.callAfterRefresh = { isError: !!r2.isError, text: textOf(r2) };

  // Revoke (RFC 7009) the refresh token, which ends the grant.
  const asMeta = provider.store.discovery?.authorizationServerMetadata;
  const rev = await fetch(asMeta.revocation_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: second.refresh_token, token_type_hint: 'refresh_token', client_id: report.clientId }),
  });
  report.revokeStatus = rev.status;
  try {
    await client.callTool({ name: tool, arguments: { text: 'after revoke' } });
    report.afterRevoke = { refused: false };
  } catch (err) {
    report.afterRevoke = { refused: true, unauthorized: err instanceof UnauthorizedError, error: String(err) };
  }
  await client.close().catch(() => {});
}

try {
  await main();
  report.ok = true;
} catch (err) {
  report.ok = false;
  report.error = String(err?.stack ?? err);
  process.exitCode = 1;
} finally {
  callbackServer.close();
  process.stdout.write(JSON.stringify(report) + '\n');
}
