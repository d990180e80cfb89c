import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '@mfakit/server-sdk';
import { describe, expect, it } from 'vitest';
import { createDemo } from '../src/app.ts';
import { seedDemo, startOfDayAhead } from '../src/directory.ts';

const SECRET = 'demo-test-secret-with-32-bytes-or-more';

const ORIGIN = 'http://127.0.0.1';

async function signIn(app: ReturnType<typeof createDemo>['app'], user: string, sso = '') {
  const res = await app.request(`${ORIGIN}/session`, {
    method: 'POST',
    headers: { origin: ORIGIN },
    body: new URLSearchParams({ user, sso }),
  });
  expect(res.status).toBe(303);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** `PUT /api/accounts/acme/payout` as the payout form sends it. */
function putPayout(app: ReturnType<typeof createDemo>['app'], cookie: string, body: unknown) {
  return app.request('/api/accounts/acme/payout', {
    method: 'PUT',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('demo host', () => {
  it('checks the payout form before asking for a second factor, naming each refused field', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    const max = await signIn(app, 'max');
    const put = (cookie: string, body: unknown) => putPayout(app, cookie, body);
    const refused = await put(max, { holder: 'Max', iban: 'DE89 1234' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: {
        code: 'invalid_request',
        details: [{ field: 'iban', message: expect.stringContaining('IBAN') }],
      },
    });
    const both = await put(`${max}; demo_lang=de`, { holder: '', iban: '' });
    expect((await both.json()).error.details).toEqual([
      { field: 'holder', message: expect.stringContaining('Kontoinhaber') },
      { field: 'iban', message: expect.stringContaining('IBAN') },
    ]);
    // A whole form reaches the step-up (here: a member without MFA is told to set it up).
    expect((await put(max, { holder: 'Max', iban: 'DE89 3704 0044 0532 0130 00' })).status).toBe(403);
  });

  it("speaks the language chosen in the top bar, the portal's own words too", async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    const english = await (await app.request('/')).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Welcome to the Partner Portal');
    const german = await (await app.request('/', { headers: { cookie: 'demo_lang=de' } })).text();
    expect(german).toContain('<html lang="de">');
    expect(german).toContain('Willkommen im Partnerportal');
    const max = await signIn(app, 'max');
    const page = await (
      await app.request('/accounts/acme', { headers: { cookie: `${max}; demo_lang=de` } })
    ).text();
    expect(page).toContain('Auszahlungsdaten speichern');
    expect(page).toContain('Bestellungen');
    expect(page).not.toContain('Purchase orders');
  });

  it('signs out from any page, back to nobody', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    const max = await signIn(app, 'max');
    const home = await (await app.request('/', { headers: { cookie: max } })).text();
    expect(home).toMatch(/<form class="sign-out" method="post" action="\/session">/);
    expect(home).toContain('>Nobody</option>');
    const out = await app.request(`${ORIGIN}/session`, {
      method: 'POST',
      headers: { origin: ORIGIN, cookie: max },
      body: new URLSearchParams({ user: '' }),
    });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join()).toMatch(/demo_session=;/);
  });

  it('seeds each policy with its event, so the activity log tells what the settings say', async () => {
    const store = memoryStore();
    await seedDemo(store, new Date('2026-12-07T10:00:00Z'));
    const acme = await store.listAudit({ accountId: 'acme', userIds: [], limit: 10 });
    expect(acme.map((e) => [e.type, e.actorId])).toEqual([['policy.updated', 'ada']]);
    // Globex's policy, weeks old, then the reminders its staff had since (newest first).
    const globex = await store.listAudit({ accountId: 'globex', userIds: [], limit: 1000 });
    expect(globex.at(-1)).toMatchObject({
      type: 'policy.updated',
      actorId: 'grace',
      before: { mode: 'optional' },
      after: { mode: 'required_all', gracePeriodDays: 14 },
    });
    expect(new Set(globex.slice(0, -1).map((e) => e.type))).toEqual(new Set(['reminder.sent']));
  });

  it('seeds Globex Distribution rolling MFA out: required of all from the start of the day three days ahead', async () => {
    const store = memoryStore();
    const now = new Date('2026-12-07T10:00:00Z');
    await seedDemo(store, now);
    const enforceFrom = startOfDayAhead(now, 3);
    expect(enforceFrom.getTime() - now.getTime()).toBeGreaterThan(2 * 86_400_000);
    expect(await store.getPolicy('globex-distribution')).toMatchObject({
      mode: 'required_all',
      gracePeriodDays: 7,
      enforceFrom,
    });
    const [event] = await store.listAudit({ accountId: 'globex-distribution', userIds: [], limit: 10 });
    expect(event).toMatchObject({
      type: 'policy.updated',
      actorId: 'katherine',
      before: { mode: 'optional', enforceFrom: null },
      after: { mode: 'required_all', enforceFrom: enforceFrom.toISOString() },
    });
  });

  it("announces the rollout at start-up, once, to each member without MFA; Globex's weeks-old policy is not announced again", async () => {
    const store = memoryStore();
    const clock = { now: new Date('2026-12-07T10:00:00Z') };
    await seedDemo(store, clock.now);
    const staffReminded = await store.listAudit({ accountId: 'globex', userIds: [], limit: 1000 });
    expect(staffReminded.filter((e) => e.type === 'reminder.sent').length).toBeGreaterThan(220);
    const start = async () => {
      const demo = createDemo({ store, secret: SECRET, now: () => new Date(clock.now) });
      await demo.ready();
      await demo.mfa.deliverEvents();
      return demo;
    };
    const first = await start();
    const sent = first.mailbox.list(100).map((m) => [m.message.kind, m.message.to.userId]);
    expect(sent.sort()).toEqual(
      [
        'emmy',
        'katherine',
        'globex-000',
        'globex-001',
        'globex-002',
        'globex-003',
        // Globex's switcher users were never seen there: it tells them now.
        'grace',
        'hedy',
      ]
        .map((userId) => ['mfa_required_soon', userId])
        .sort(),
    );
    const emmy = first.mailbox.list(100).find((m) => m.message.to.userId === 'emmy')?.message;
    expect(emmy?.subject).toBe('Globex Distribution requires multi-factor authentication');
    // The SDK writes dates in UTC unless told the recipient's time zone.
    const enforceFrom = startOfDayAhead(new Date('2026-12-07T10:00:00Z'), 3);
    const utc = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });
    expect(emmy?.text).toContain(`from ${utc.format(enforceFrom)}`);
    const events = async () =>
      (await store.listAudit({ accountId: 'globex-distribution', userIds: [], limit: 100 })).length;
    const before = await events();
    await first.mfa.close();

    // A restart a minute later: the seed and the reminders change nothing.
    clock.now = new Date(clock.now.getTime() + 60_000);
    await seedDemo(store, clock.now);
    const again = await start();
    expect(again.mailbox.list(100)).toEqual([]);
    expect(await events()).toBe(before);
    expect((await store.getPolicy('globex-distribution'))?.enforceFrom).toEqual(enforceFrom);
    await again.mfa.close();
  });

  it("shows the nudge on the home page, following the account with a start date, and that date on the account's page", async () => {
    const store = memoryStore();
    await seedDemo(store, new Date());
    const { app, mfa } = createDemo({ store, secret: SECRET });
    const emmy = await signIn(app, 'emmy');
    const home = await (await app.request('/', { headers: { cookie: emmy } })).text();
    expect(home).toContain('<mfa-nudge account-id="globex-distribution" profile-url="/profile"></mfa-nudge>');
    // Sam is in two accounts, neither with a start date: the nudge follows his own MFA.
    const sam = await (await app.request('/', { headers: { cookie: await signIn(app, 'sam') } })).text();
    expect(sam).toContain('<mfa-nudge profile-url="/profile"></mfa-nudge>');
    const date = (locale: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(startOfDayAhead(new Date(), 3));
    const page = await (
      await app.request('/accounts/globex-distribution', { headers: { cookie: emmy } })
    ).text();
    expect(page).toContain('Globex Distribution will require multi-factor authentication from');
    expect(page).toContain(`<strong>${date('en')}</strong>`);
    const german = await (
      await app.request('/accounts/globex-distribution', { headers: { cookie: `${emmy}; demo_lang=de` } })
    ).text();
    expect(german).toContain('Globex Distribution verlangt Multi-Faktor-Authentifizierung ab dem');
    expect(german).toContain(`<strong>${date('de')}</strong>`);
    await mfa.close();
  });

  it('signs users in through the switcher and guards the account areas', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    expect((await app.request('/api/accounts/acme/orders')).status).toBe(401);

    const max = await signIn(app, 'max');
    const area = await app.request('/api/accounts/acme/orders', { headers: { cookie: max } });
    expect(area.status).toBe(200);
    expect(await area.json()).toMatchObject({ decision: { reason: 'not_required' } });
    expect((await app.request('/api/accounts/contoso/orders', { headers: { cookie: max } })).status).toBe(
      404,
    );

    const home = await (await app.request('/', { headers: { cookie: max } })).text();
    expect(home).toContain('Max Mustermann');
    expect(home).toContain('Open Acme');
    expect(home).not.toContain('Open Contoso');
  });

  it('asks for a fresh second factor before payout details change, and tells a member without one to set it up', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    const max = await signIn(app, 'max');
    const put = (cookie: string, body: unknown) => putPayout(app, cookie, body);
    const denied = await put(max, { holder: 'Max', iban: 'DE89370400440532013000' });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: 'mfa_required_for_action' } });
    const page = await (await app.request('/accounts/acme', { headers: { cookie: max } })).text();
    expect(page).toContain('Payout details');
    expect(page).toContain('data-payout="acme"');
  });

  it('delegates an SSO sign-in to the Contoso directory and not to Acme', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    const sam = await signIn(app, 'sam', 'contoso');
    const contoso = await app.request('/api/accounts/contoso/orders', { headers: { cookie: sam } });
    expect(await contoso.json()).toMatchObject({ decision: { reason: 'sso_delegated' } });
    const acme = await app.request('/api/accounts/acme/orders', { headers: { cookie: sam } });
    expect(await acme.json()).toMatchObject({ decision: { reason: 'not_required' } });
    const policy = await app.request('/mfa/accounts/contoso/policy', { headers: { cookie: sam } });
    expect(await policy.json()).toMatchObject({ sso: { enabled: true, provider: 'Active Directory' } });
  });

  it('takes nobody and no SSO claim from a cookie edited by hand', async () => {
    // Hosts copy demos: an unsigned cookie naming a user or an SSO account would sign anyone in as
    // anyone, and `sso_delegated` would let them past MFA.
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    const forged = (session: object) =>
      `demo_session=${Buffer.from(JSON.stringify(session)).toString('base64url')}.${'A'.repeat(43)}`;
    for (const cookie of [
      forged({ user: 'ada', session: 's1' }),
      forged({ user: 'sam', session: 's1', sso: 'contoso' }),
      'demo_user=ada; demo_session=s1; demo_sso_account=contoso',
      'demo_session=garbage',
      'demo_session=..',
    ]) {
      expect((await app.request('/api/accounts/contoso/orders', { headers: { cookie } })).status).toBe(401);
    }
    // Nor does editing a signed cookie's claims keep its signature valid.
    const max = await signIn(app, 'max');
    const [payload, signature] = (max.split('=')[1] ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...claims, user: 'ada' })).toString('base64url');
    const res = await app.request('/api/accounts/acme/orders', {
      headers: { cookie: `demo_session=${edited}.${signature}` },
    });
    expect(res.status).toBe(401);
  });

  it('accepts a sign-in only from its own origin', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    const post = (headers: Record<string, string>) =>
      app.request(`${ORIGIN}/session`, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ user: 'ada' }),
      });
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { referer: 'https://evil.example/page' },
      {},
    ]) {
      const res = await post(headers);
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect((await post({ referer: `${ORIGIN}/accounts/acme` })).status).toBe(303);
  });

  it('answers a malformed Referer with a redirect home, never a 500', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    for (const referer of ['http://[::1', 'not a url', '://', 'http://127.0.0.1:99999/x']) {
      const res = await app.request(`${ORIGIN}/session`, {
        method: 'POST',
        headers: { origin: ORIGIN, referer },
        body: new URLSearchParams({ user: 'ada' }),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/');
    }
  });

  it("signing out ends the session's verification", async () => {
    const { app, mfa } = createDemo({ store: memoryStore(), secret: SECRET });
    const max = await signIn(app, 'max');
    const setup = await app.request(`${ORIGIN}/mfa/me/totp/setup`, {
      method: 'POST',
      headers: { cookie: max, origin: ORIGIN },
    });
    const { secret } = (await setup.json()) as { secret: string };
    const { generate } = await import('otplib');
    const confirm = await app.request(`${ORIGIN}/mfa/me/totp/confirm`, {
      method: 'POST',
      headers: { cookie: max, origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ code: await generate({ secret }) }),
    });
    expect(confirm.status).toBe(200);
    const me = async () =>
      (
        (await (await app.request(`${ORIGIN}/mfa/me`, { headers: { cookie: max } })).json()) as {
          session: { verified: boolean };
        }
      ).session.verified;
    expect(await me()).toBe(true);
    const out = await app.request(`${ORIGIN}/session`, {
      method: 'POST',
      headers: { cookie: max, origin: ORIGIN },
      body: new URLSearchParams({ user: '' }),
    });
    expect(out.status).toBe(303);
    // The old cookie, kept by someone, no longer counts as verified.
    expect(await me()).toBe(false);
    await mfa.close();
  });

  it('starts as a process on the embedded store, creating its data folder', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'mfakit-demo-')), 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, PORT: '0', MFA_DEMO_DATA: data, MFA_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (match) resolve(match[0]);
        });
        child.stderr.on('data', (chunk: Buffer) => {
          out += chunk;
        });
        child.on('exit', (code) => reject(new Error(`demo exited ${code}: ${out}`)));
      });
      const openapi = await fetch(`${url}/mfa/openapi.json`);
      expect(openapi.status).toBe(200);
      expect((await fetch(`${url}/`)).status).toBe(200);
      expect(existsSync(join(data, 'mfa.db'))).toBe(true);
      expect(existsSync(join(data, 'secret.key'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
      rmSync(join(data, '..'), { recursive: true, force: true });
    }
  });
});
