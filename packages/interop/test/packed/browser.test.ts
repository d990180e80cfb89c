/**
 * The packed packages in a portal, in Chromium: what npm users install is what a
 * browser loads. In the npm project of install.ts (no workspace link), a portal
 * builds its pages three ways from the tarballs:
 * - Vite, and esbuild with code splitting: three pages (settings, profile,
 *   challenge) that share one script importing `@mfakit/elements/mfa-settings`,
 *   `/mfa-user-enroll` and `/mfa-challenge`;
 * - no bundler: the same pages as static HTML, each with one
 *   `<script type="module">` of the elements' browser build (`cdn/`), copied into
 *   the portal's own static files.
 * A Node host runs the SDK from the tarball on SQLite and serves the pages. In
 * each build the walk loads every part an element loads only when needed: the
 * app's setup panels with the QR code, adding a passkey (Chromium's virtual
 * authenticator), the members and the activity, **Manage** and its dialog, a
 * policy save that asks for a step-up (the challenge, with the passkey), and the
 * challenge of a new session with the passkey. A script or chunk that fails to
 * load, a page error, or any console error or warning fails the walk; so does an
 * API answer of 500 or more.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generate } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumArgs, chromiumPath, platformAuthenticator } from '../../../../scripts/chromium.mjs';
import { sh } from './install.ts';

const { project } = inject('packed');
const BUILDS = ['vite', 'esbuild', 'cdn'] as const;
type Build = (typeof BUILDS)[number];
const PAGES = {
  home: 'mfa-nudge',
  settings: 'mfa-settings',
  profile: 'mfa-user-enroll',
  challenge: 'mfa-challenge',
} as const;
type PageName = keyof typeof PAGES;

/**
 * The portal's host, as its own code would be: the SDK from the tarball on a SQLite
 * file at /mfa, the built pages at /. Each build walks with users of its own:
 * `ada-<build>` (administrator) and `max-<build>` (member) of the account
 * `acme-<build>`, signed in by two cookies. `POST /__clock?advance=<seconds>` moves
 * the host's clock, so a verification can grow old.
 */
const HOST = `import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { createMfa } from '@mfakit/server-sdk';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
import { Hono } from 'hono';

let offset = 0;
const person = (userId) => {
  const m = /^(ada|max)-([a-z]+)$/.exec(userId);
  if (!m) return null;
  const admin = m[1] === 'ada';
  return {
    userId,
    account: 'acme-' + m[2],
    role: admin ? 'admin' : 'member',
    displayName: admin ? 'Ada Admin' : 'Max Member',
    email: m[1] + '@' + m[2] + '.test',
  };
};
const cookies = (header) =>
  new Map((header ?? '').split(';').map((pair) => pair.trim().split('=')).filter(([name]) => name));
const mfa = createMfa({
  store: sqliteStore({ filename: 'portal.db' }),
  secret: 'the-packed-portal-secret-of-32-bytes!',
  issuer: 'Packed Portal',
  now: () => new Date(Date.now() + offset),
  authenticate: (c) => {
    const jar = cookies(c.req.header('cookie'));
    const p = person(jar.get('user') ?? '');
    const sessionId = jar.get('session');
    return p && sessionId ? { userId: p.userId, sessionId, email: p.email, authMethod: 'password' } : null;
  },
  getMembership: (userId, accountId) => {
    const p = person(userId);
    return p && p.account === accountId ? { role: p.role, accountName: 'Acme' } : null;
  },
  listMemberships: (userId) => {
    const p = person(userId);
    return p ? [{ accountId: p.account, accountName: 'Acme', role: p.role }] : [];
  },
  listMembers: (accountId) =>
    ['ada', 'max']
      .map((name) => person(name + '-' + accountId.replace(/^acme-/, '')))
      .filter((p) => p && p.account === accountId)
      .map(({ userId, role, displayName, email }) => ({ userId, role, displayName, email })),
});
await mfa.ready();
const app = new Hono();
app.post('/__clock', (c) => {
  offset += Number(c.req.query('advance') ?? 0) * 1000;
  return c.json({ now: new Date(Date.now() + offset).toISOString() });
});
app.route('/mfa', mfa.app);
app.use('/*', serveStatic({ root: './public' }));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log(JSON.stringify(info)));
`;

/** A page of the portal: the element, and what loads it. */
function html(build: Build, name: PageName, script: string) {
  const tag = PAGES[name];
  const account =
    tag === 'mfa-user-enroll'
      ? ''
      : ` account-id="acme-${build}"${tag === 'mfa-nudge' ? ' profile-url="profile.html"' : ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Packed portal: ${name} (${build})</title>
${script}
</head>
<body>
<main><h1>${name}</h1><${tag}${account}></${tag}></main>
</body>
</html>
`;
}

/** What the bundled pages import: the three elements the portal used. */
const MAIN = `import '@mfakit/elements/mfa-nudge';
import '@mfakit/elements/mfa-settings';
import '@mfakit/elements/mfa-user-enroll';
import '@mfakit/elements/mfa-challenge';
`;

const VITE_CONFIG = `import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve('site/vite');
export default defineConfig({
  root,
  base: '/vite/',
  logLevel: 'warn',
  build: {
    outDir: resolve('public/vite'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: Object.fromEntries(['home', 'settings', 'profile', 'challenge'].map((n) => [n, resolve(root, n + '.html')])),
    },
  },
});
`;

/** Builds the portal's pages in the npm project: Vite, esbuild (splitting), and the static pages of cdn/. */
async function buildPages() {
  const site = join(project, 'site');
  const pub = join(project, 'public');
  mkdirSync(join(site, 'vite'), { recursive: true });
  mkdirSync(join(site, 'esbuild'), { recursive: true });
  mkdirSync(join(pub, 'esbuild'), { recursive: true });
  mkdirSync(join(pub, 'cdn'), { recursive: true });
  writeFileSync(join(site, 'vite.config.mjs'), VITE_CONFIG);
  writeFileSync(join(site, 'vite', 'main.js'), MAIN);
  writeFileSync(join(site, 'esbuild', 'main.js'), MAIN);
  for (const name of Object.keys(PAGES) as PageName[]) {
    writeFileSync(
      join(site, 'vite', `${name}.html`),
      html('vite', name, '<script type="module" src="./main.js"></script>'),
    );
    writeFileSync(
      join(pub, 'esbuild', `${name}.html`),
      html('esbuild', name, '<script type="module" src="./assets/main.js"></script>'),
    );
    writeFileSync(
      join(pub, 'cdn', `${name}.html`),
      html('cdn', name, `<script type="module" src="/mfakit/${PAGES[name]}.js"></script>`),
    );
  }
  // Production builds (vitest runs with NODE_ENV=test).
  const env = { NODE_ENV: 'production' };
  await Promise.all([
    sh('node', ['node_modules/vite/bin/vite.js', 'build', '--config', 'site/vite.config.mjs'], project, env),
    sh(
      'node_modules/.bin/esbuild',
      [
        'site/esbuild/main.js',
        '--bundle',
        '--splitting',
        '--format=esm',
        '--minify',
        '--target=es2022',
        '--outdir=public/esbuild/assets',
        '--log-level=warning',
      ],
      project,
      env,
    ),
  ]);
  // A portal without a build step copies the browser build into its static files.
  cpSync(join(project, 'node_modules/@mfakit/elements/cdn'), join(pub, 'mfakit'), { recursive: true });
}

let host: ChildProcess | undefined;
let browser: Browser;
/** The host by the name `localhost`: a WebAuthn relying party is a domain, never an IP address. */
let origin = '';
/** The same host by its address, for the test's own requests. */
let direct = '';

beforeAll(async () => {
  await buildPages();
  writeFileSync(join(project, 'host.mjs'), HOST);
  const child = spawn('node', ['host.mjs'], { cwd: project, stdio: ['ignore', 'pipe', 'inherit'] });
  host = child;
  const port = await new Promise<number>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`the host exited (${code})`)));
    child.stdout?.once('data', (line) => done(JSON.parse(String(line)).port));
  });
  origin = `http://localhost:${port}`;
  direct = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  host?.kill();
});

/**
 * Watches a page for what must not happen, and records the scripts it loads (path →
 * gzip -9 bytes). API answers below 500 are the walk's business (a step-up is a 401):
 * Chromium logs each as "Failed to load resource", which is not counted.
 */
function watch(page: Page) {
  const problems: string[] = [];
  const scripts = new Map<string, number>();
  const isApi = (url: string) => new URL(url).pathname.startsWith('/mfa/');
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const apiAnswer =
      message.text().startsWith('Failed to load resource: the server responded with a status of 4') &&
      isApi(message.location().url);
    if (!apiAnswer) problems.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
  });
  page.on('requestfailed', (request) => {
    // Leaving a page cancels its API calls still under way (an element's quiet reload).
    const cancelled = request.failure()?.errorText === 'net::ERR_ABORTED' && isApi(request.url());
    if (!cancelled) problems.push(`failed to load ${request.url()}: ${request.failure()?.errorText}`);
  });
  page.on('response', async (response) => {
    const { pathname } = new URL(response.url());
    if (response.status() >= (isApi(response.url()) ? 500 : 400))
      problems.push(`${response.status()} for ${pathname}`);
    if (response.request().resourceType() === 'script' && response.ok()) {
      scripts.set(pathname, gzipSync(await response.body(), { level: 9 }).length);
    }
  });
  return { problems, scripts };
}

/**
 * Chromium's virtual authenticator for this tab (CTAP2, internal, resident keys, user
 * verified, no prompt), and the tab's cache off: each page loads, and measures, its scripts anew.
 */
async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: platformAuthenticator,
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
}

/** Signs the browser in as `user` in a session of its own (the host's sign-in is two cookies). */
async function signIn(context: BrowserContext, user: string, session: string) {
  await context.addCookies([
    { name: 'user', value: user, url: origin },
    { name: 'session', value: session, url: origin },
  ]);
}

/** The host's clock, ahead of this one by `offset` ms once a walk moved it. */
let offset = 0;
async function advance(seconds: number) {
  const response = await fetch(`${direct}/__clock?advance=${seconds}`, { method: 'POST' });
  expect(response.status).toBe(200);
  offset += seconds * 1000;
}
/** The code an authenticator app shows now, by the host's clock. */
const codeFor = (secret: string) => generate({ secret, epoch: Math.floor((Date.now() + offset) / 1000) });

const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const sum = (sizes: Iterable<number>) => [...sizes].reduce((a, b) => a + b, 0);

describe.each(BUILDS)('a portal page built with %s from the tarballs', (build) => {
  it('loads every part when needed: the app setup, a passkey, members, activity, Manage, a step-up, the challenge', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const { problems, scripts } = watch(page);
    const credentials = await virtualAuthenticator(page);
    const at = (name: PageName) => `${origin}/${build}/${name}.html`;
    const sizes: string[] = [];
    /** Opens a page of this build; `shown()` and `all()` say what it loaded (JavaScript, gzipped). */
    const open = async (name: PageName) => {
      scripts.clear();
      await page.goto(at(name));
      let shown = 0;
      return {
        shown: () => {
          shown = sum(scripts.values());
        },
        all: () => sizes.push(`${name} ${kB(shown)} when shown, ${kB(sum(scripts.values()))} in all`),
      };
    };

    // The home page's nudge, where MFA is optional: Not now hides it, and it stays hidden.
    await signIn(context, `ada-${build}`, 'first');
    const home = await open('home');
    const nudge = page.getByRole('region', { name: 'Account security' });
    await nudge.getByRole('link', { name: 'Set up MFA' }).waitFor();
    home.shown();
    await nudge.getByRole('button', { name: 'Not now' }).click();
    await nudge.waitFor({ state: 'detached' });
    home.all();
    await Promise.all([page.waitForResponse((r) => r.url().includes('/me/nudge')), page.reload()]);
    await page.evaluate(() => new Promise(requestAnimationFrame));
    expect(await nudge.count()).toBe(0);

    // The profile: the app's setup panels with the QR code, then a passkey.
    const profile = await open('profile');
    const enroll = page.locator('mfa-user-enroll');
    await page.getByRole('button', { name: 'Set up' }).waitFor();
    profile.shown();
    await page.getByRole('button', { name: 'Set up' }).click();
    const qr = page.getByRole('img', { name: 'QR code' });
    await expect
      .poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    const secret = ((await enroll.locator('.key').textContent()) ?? '').replace(/\s/g, '');
    await page.getByLabel('Authentication code').fill(await codeFor(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => enroll.locator('.codes code').count()).toBe(10);
    await page.getByLabel('I have saved these recovery codes').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await enroll.getByText(/on since/).waitFor();
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByLabel('Passkey name').fill('Laptop');
    await page.getByRole('button', { name: 'Continue' }).click();
    // The new app's own code was no step-up: binding the passkey asks for a code first.
    await advance(30);
    const stepUp = enroll.locator('mfa-challenge');
    await stepUp.getByLabel('Authentication code').fill(await codeFor(secret));
    await stepUp.getByRole('button', { name: 'Verify' }).click();
    await enroll.locator('#passkeys-message', { hasText: 'Passkey added.' }).waitFor();
    expect(await credentials()).toHaveLength(1);
    profile.all();

    // The settings in a new session: the members and the activity ask for the second factor
    // first (the challenge in place, with the passkey); an hour later Manage, and the save asks again.
    await signIn(context, `ada-${build}`, 'second');
    const settingsPage = await open('settings');
    const settings = page.locator('mfa-settings');
    await settings.getByRole('button', { name: 'Manage' }).waitFor();
    // Shown: with the members and the activity, which it shows administrators.
    const members = page.locator('mfa-members');
    await members.getByRole('button', { name: 'Verify it is you' }).waitFor();
    await page.locator('mfa-audit-log').getByRole('button', { name: 'Verify it is you' }).waitFor();
    settingsPage.shown();
    await members.getByRole('button', { name: 'Verify it is you' }).click();
    await members.getByRole('button', { name: 'Use a passkey' }).click();
    await members.getByRole('rowheader', { name: 'Max Member' }).waitFor();
    await page.locator('mfa-audit-log').getByText('Ada Admin added the passkey “Laptop”').waitFor();
    await advance(3600);
    await settings.getByRole('button', { name: 'Manage' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Required for all users' }).check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('button', { name: 'Use a passkey' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await settings.locator('.policy').getByText('Required for all users').waitFor();
    settingsPage.all();

    // The challenge of a new session, with the passkey.
    await signIn(context, `ada-${build}`, 'third');
    const challengePage = await open('challenge');
    const challenge = page.locator('mfa-challenge');
    await challenge.getByRole('button', { name: 'Use a passkey' }).waitFor();
    challengePage.shown();
    await challenge.getByRole('button', { name: 'Use a passkey' }).click();
    await challenge.getByText('Verified.').waitFor();
    expect((await credentials())[0]?.signCount).toBeGreaterThan(0);
    challengePage.all();

    console.log(`${build}: JavaScript loaded, gzipped: ${sizes.join('; ')} (${scripts.size} files)`);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the browser build (cdn/)', () => {
  it('is a file per element and the chunks they share, lit in its production build (imports: pack.test.ts)', () => {
    const cdn = join(project, 'node_modules/@mfakit/elements/cdn');
    const entries = readdirSync(cdn).filter((f) => f.endsWith('.js'));
    expect(entries.sort()).toEqual(
      [
        'index.js',
        'mfa-audit-log.js',
        'mfa-challenge.js',
        'mfa-members.js',
        'mfa-nudge.js',
        'mfa-policy-manager.js',
        'mfa-settings.js',
        'strings-de.js',
        'mfa-user-enroll.js',
      ].sort(),
    );
    const chunks = readdirSync(join(cdn, 'chunks'));
    expect(chunks.length).toBeGreaterThan(0);
    // lit's production build (its development build warns in the console, and is larger).
    for (const file of [...entries, ...chunks.map((c) => `chunks/${c}`)])
      expect(readFileSync(join(cdn, file), 'utf8'), file).not.toContain('Lit is in dev mode');
  });
});
