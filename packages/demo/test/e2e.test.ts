/**
 * The portal in a real browser: Debian's Chromium driven by playwright-core
 * through roles and labels, against the demo host on a SQLite file with a clock
 * the test moves. Each step saves a screenshot under test-output/screenshots.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { sqliteStore } from '@mfakit/server-sdk';
import { generate } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../src/app.ts';

const packageDir = join(import.meta.dirname, '..');
const shots = join(packageDir, 'test-output', 'screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const clock = { now: new Date() };
const advance = (seconds: number) => {
  clock.now = new Date(clock.now.getTime() + seconds * 1000);
};
/** The code an authenticator app shows now, by the server's clock. */
const codeFor = (secret: string) => generate({ secret, epoch: Math.floor(clock.now.getTime() / 1000) });

let browser: Browser;
let server: ReturnType<typeof serve>;
let base = '';
let dataDir = '';

async function signIn(context: BrowserContext, user: string, sso = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  if (sso) await page.getByLabel('Sign-in method').selectOption(sso);
  await page.getByLabel('User').selectOption(user);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
  return page;
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function expectNoAxeViolations(page: Page) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  expect(violations).toEqual([]);
}

/** Sets up an authenticator app on the profile page by reading the manual key; returns the key and codes. */
async function enroll(page: Page) {
  await page.getByRole('button', { name: 'Set up' }).click();
  const qr = page.getByRole('img', { name: 'QR code' });
  await expect
    .poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
    .toBe(true);
  const box = await qr.boundingBox();
  expect(box?.width).toBeGreaterThanOrEqual(160);
  const key = ((await page.locator('mfa-user-enroll .key').textContent()) ?? '').trim();
  expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  const secret = key.replace(/ /g, '');
  const input = page.getByLabel('Authentication code');
  expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
  await input.fill(await codeFor(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  const codes = page.locator('mfa-user-enroll .codes code');
  await expect.poll(() => codes.count()).toBe(10);
  const recoveryCodes = await codes.allTextContents();
  await page.getByLabel('I have saved these recovery codes').check();
  await page.getByRole('button', { name: 'Done' }).click();
  await page
    .locator('mfa-user-enroll')
    .getByText(/on since/)
    .waitFor();
  advance(30); // the confirming code's time step is used
  return { secret, recoveryCodes };
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await build({ root: packageDir, logLevel: 'warn', configFile: join(packageDir, 'vite.config.ts') });
  dataDir = mkdtempSync(join(tmpdir(), 'mfakit-e2e-'));
  const { app } = createDemo({
    store: sqliteStore({ filename: join(dataDir, 'mfa.db') }),
    secret: 'end-to-end-secret-with-at-least-32-bytes',
    now: () => new Date(clock.now),
  });
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the demo portal, end to end', () => {
  let admin = { secret: '', recoveryCodes: [] as string[] };
  let member = { secret: '', recoveryCodes: [] as string[] };

  it('the administrator sets up MFA, then requires it of all users', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'ada');
    await shot(page, '01-home');
    await page.getByRole('link', { name: 'Profile & security' }).click();
    await page.getByRole('button', { name: 'Set up' }).waitFor();
    await expectNoAxeViolations(page);
    admin = await enroll(page);
    await shot(page, '02-profile-enrolled');

    await page.goto(`${base}/accounts/acme/settings`);
    await page.getByRole('button', { name: 'Manage' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Required for all users' }).check();
    await expect
      .poll(() => dialog.getByText('2 members have not set up MFA; they have 7 days').count())
      .toBe(1);
    await shot(page, '03-policy-manager');
    await expectNoAxeViolations(page);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('mfa-settings .policy').getByText('Required for all users').waitFor();
    await expect
      .poll(() =>
        page
          .locator('mfa-settings')
          .getByText(/Changed by Ada Lovelace/)
          .count(),
      )
      .toBe(1);
    await shot(page, '04-settings');
    await context.close();
  });

  it('the member gets the grace period, then is sent to set up MFA', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'max');
    await page.goto(`${base}/accounts/acme`);
    await page.getByRole('status').filter({ hasText: 'requires multi-factor authentication' }).waitFor();
    expect(await page.getByRole('cell', { name: 'PO-1042' }).count()).toBe(1);
    await shot(page, '05-grace-period');

    advance(8 * 86_400);
    const response = await page.goto(`${base}/accounts/acme`);
    expect(response?.status()).toBe(403);
    await page.getByRole('alert').filter({ hasText: 'Set up an authenticator app to continue' }).waitFor();
    expect(await page.getByRole('cell', { name: 'PO-1042' }).count()).toBe(0);
    await shot(page, '06-enrollment-required');
    member = await enroll(page);
    await page.getByRole('link', { name: 'Continue to Acme' }).click();
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();
    await context.close();
  });

  it('a new session passes the challenge; the same code is refused a second time', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'max');
    await page.goto(`${base}/accounts/acme`);
    const input = page.getByLabel('Authentication code');
    expect(await input.getAttribute('inputmode')).toBe('numeric');
    await shot(page, '07-challenge');
    await expectNoAxeViolations(page);
    const code = await codeFor(member.secret);
    await input.fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();

    const other = await signIn(await browser.newContext(), 'max');
    await other.goto(`${base}/accounts/acme`);
    await other.getByLabel('Authentication code').fill(code);
    await other.getByRole('button', { name: 'Verify' }).click();
    await other.getByText('That code is not valid').waitFor();
    expect(await other.getByRole('cell', { name: 'PO-1042' }).count()).toBe(0);
    await context.close();
  });

  it('a recovery code works once', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'max');
    await page.goto(`${base}/accounts/acme`);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(member.recoveryCodes[0] as string);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('cell', { name: 'PO-1042' }).waitFor();

    const again = await signIn(await browser.newContext(), 'max');
    await again.goto(`${base}/accounts/acme`);
    await again.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await again.getByLabel('Recovery code').fill(member.recoveryCodes[0] as string);
    await again.getByRole('button', { name: 'Verify' }).click();
    await again.getByText('That code is not valid').waitFor();
    await context.close();
  });

  it('the administrator resets the member, who must set up MFA again at once', async () => {
    advance(30);
    const adminPage = await signIn(await browser.newContext(), 'ada');
    await adminPage.goto(`${base}/accounts/acme`);
    await adminPage.getByLabel('Authentication code').fill(await codeFor(admin.secret));
    await adminPage.getByRole('button', { name: 'Verify' }).click();
    await adminPage.getByRole('cell', { name: 'PO-1042' }).waitFor();
    const status = await adminPage.evaluate(async () => {
      const res = await fetch('/mfa/accounts/acme/members/max/mfa', { method: 'DELETE' });
      return res.status;
    });
    expect(status).toBe(200);

    const page = await signIn(await browser.newContext(), 'max');
    const response = await page.goto(`${base}/accounts/acme`);
    expect(response?.status()).toBe(403);
    await page.getByRole('button', { name: 'Set up' }).waitFor();
  });

  it('Contoso shows the SSO caution, and an SSO sign-in is delegated to the directory', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'cleo', 'contoso');
    await page.goto(`${base}/accounts/contoso/settings`);
    const caution = page.locator('mfa-settings').getByRole('note');
    await caution.waitFor();
    expect(await caution.textContent()).toContain('Active Directory');
    await page.getByRole('status').filter({ hasText: 'Signed in through Active Directory' }).waitFor();
    await shot(page, '08-sso-settings');
    await expectNoAxeViolations(page);

    const sam = await signIn(await browser.newContext(), 'sam', 'contoso');
    const res = await sam.evaluate(async () => (await fetch('/mfa/accounts/contoso/access')).json());
    expect(res).toMatchObject({ allow: true, reason: 'sso_delegated' });
    await context.close();
  });

  it('the top bar switches the elements to German and back, dates included, and keeps the choice', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await signIn(context, 'ada');
    await page.goto(`${base}/profile`);
    const enroll = page.locator('mfa-user-enroll');
    await enroll.getByText(/Authenticator app: on since [A-Z][a-z]{2} \d{1,2}, \d{4}\./).waitFor();
    const language = page.getByRole('group', { name: 'Language of the MFA settings' });
    await language.getByRole('button', { name: 'DE' }).click();
    await enroll.getByText(/Authenticator-App: aktiv seit \d{2}\.\d{2}\.\d{4}\./).waitFor();
    expect(await enroll.getAttribute('lang')).toBe('de');
    expect(await page.locator('html').getAttribute('lang')).toBe('en'); // the portal itself stays English
    expect(await language.getByRole('button', { name: 'DE' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Neue Wiederherstellungscodes erzeugen' }).waitFor();
    await shot(page, '09-profile-german');
    await expectNoAxeViolations(page);

    await page.reload();
    await enroll.getByText(/aktiv seit/).waitFor();
    await language.getByRole('button', { name: 'EN' }).click();
    await enroll.getByText(/Authenticator app: on since/).waitFor();
    await page.getByRole('button', { name: 'Regenerate recovery codes' }).waitFor();
    await context.close();
  });
});
