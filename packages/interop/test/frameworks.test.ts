/**
 * The elements used from React 19 and from Vue 3, built with Vite as those apps
 * build them (vite.config.ts) and driven in Debian's Chromium against the real
 * SDK on a memory store (src/portal.ts). What each page proves:
 * - `strings` reaches the element as a property (an object; as an attribute it
 *   would be "[object Object]"): the elements speak German;
 * - `account-id` follows the framework's state: switching the account re-renders
 *   the settings for Contoso, whose SSO caution appears;
 * - the elements' events reach the framework's handlers with their payload:
 *   `mfa-verified` (`event.result.verifiedAt`) and `mfa-policy-change`
 *   (`event.policy`) end up in text the framework renders;
 * - the page logs no error or warning (a dev build of lit would warn: the build is a production one).
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { generate } from 'otplib';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.mjs';
import { createPortal } from '../src/portal.ts';

const packageDir = join(import.meta.dirname, '..');
const distDir = join(packageDir, 'dist');
const args = chromiumArgs;

let browser: Browser;

beforeAll(async () => {
  // A production build, as the apps would ship (vitest itself runs with NODE_ENV=test).
  const mode = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(packageDir, 'vite.config.ts'), mode: 'production' });
  } finally {
    process.env.NODE_ENV = mode;
  }
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args,
  });
});

afterAll(async () => {
  await browser?.close();
});

/** A portal of its own for each page, on a free port, with a clock the test moves. */
async function startPortal() {
  const clock = { now: new Date() };
  const portal = createPortal({ distDir, now: () => new Date(clock.now) });
  const server = serve({ fetch: portal.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const code = (secret: string) => generate({ secret, epoch: Math.floor(clock.now.getTime() / 1000) });

  /** Ada sets up MFA through the API, as her profile page would have done. */
  async function enrollAda(): Promise<string> {
    const headers = { cookie: 'user=ada; session=setup', 'content-type': 'application/json' };
    const setup = await portal.app.request('/mfa/me/totp/setup', { method: 'POST', headers, body: '{}' });
    const { secret } = (await setup.json()) as { secret: string };
    const confirm = await portal.app.request('/mfa/me/totp/confirm', {
      method: 'POST',
      headers,
      body: JSON.stringify({ code: await code(secret) }),
    });
    expect(confirm.status).toBe(200);
    clock.now = new Date(clock.now.getTime() + 30_000); // the next code is a new time step
    return secret;
  }
  return { base, server, code, enrollAda };
}

describe.each([
  ['react', /^React 19\./],
  ['vue', /^Vue 3\./],
])('the elements in %s', (fixture, heading) => {
  it('take strings and account-id from the framework and hand it their events', async () => {
    const { base, server, code, enrollAda } = await startPortal();
    const secret = await enrollAda();
    const context = await browser.newContext();
    try {
      await context.addCookies([
        { name: 'user', value: 'ada', url: base },
        { name: 'session', value: `${fixture}-session`, url: base },
      ]);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        // Before Ada verifies, the members and the activity are answered 403 challenge_required (as
        // the API says of every account route), which the browser logs; nothing else may be.
        if (/status of 403/.test(m.text())) return;
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${base}/${fixture}/`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(heading);

      // mfa-verified: the framework shows the time the server answered.
      const input = page.getByLabel('Authentifizierungscode');
      await input.fill(await code(secret));
      await page.getByRole('button', { name: 'Überprüfen' }).click();
      await expect
        .poll(() => page.locator('#verified').textContent())
        .toMatch(/^verified at \d{4}-\d\d-\d\dT/);

      // mfa-policy-change: the framework shows the saved policy.
      await expect.poll(() => page.getByRole('button', { name: 'Verwalten' }).count()).toBe(1);
      await page.getByRole('button', { name: 'Verwalten' }).click();
      await page.getByLabel('Übergangsfrist (Tage)').fill('14');
      await page.getByRole('button', { name: 'Speichern' }).click();
      await expect.poll(() => page.locator('#policy').textContent()).toBe('acme: optional, 14 days');
      const settings = page.locator('mfa-settings');
      await expect
        .poll(() => settings.evaluate((el) => el.shadowRoot?.textContent ?? ''))
        .toContain('Geändert von Ada Admin am');

      // The members and the activity, on their own beside the settings, in German: loaded
      // before the session was verified, they were refused (challenge_required) and offered
      // to verify; the page's challenge verified the session, and they loaded by themselves. The
      // activity loads again after the policy saved in the settings beside it.
      const members = page.locator('main > mfa-members');
      await expect
        .poll(() => members.evaluate((el) => el.shadowRoot?.textContent ?? ''))
        .toMatch(/Mitglieder.*Alle \(2\).*Ada Admin/s);
      const activity = page.locator('main > mfa-audit-log');
      await expect
        .poll(() => activity.evaluate((el) => el.shadowRoot?.textContent ?? ''))
        .toContain('Ada Admin hat die Richtlinie geändert: Übergangsfrist von 7 auf 14 Tage');

      // account-id follows the framework's state.
      await page.getByRole('button', { name: 'Show Contoso' }).click();
      expect(await settings.getAttribute('account-id')).toBe('contoso');
      await expect
        .poll(() => settings.evaluate((el) => el.shadowRoot?.textContent ?? ''))
        .toContain('Wer sich über Active Directory anmeldet, folgt dessen Anmelderegeln');
      // `strings` was set as a property, never as an attribute.
      expect(await settings.getAttribute('strings')).toBeNull();
      expect(await page.locator('#errors').textContent()).toBe('0 errors');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      server.close();
    }
  });
});
