/**
 * Forgetting on restart. If anything that protects a user lived only in a
 * process's memory, an attacker would only need the service to restart (a
 * deploy, a crash they cause, an autoscaler) to get it back: a used code usable
 * again, a failure count back at zero, a lock lifted, an audit trail gone, a
 * policy or grace deadline reset. With the embedded SQLite store, an instance
 * started on the same file must carry on exactly where the last one stopped:
 * the same answers to every read, and the same refusals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness, type Harness, tempFolder, wrongCode } from '../support.ts';

const USERS = ['ada', 'max', 'sam', 'cleo', 'olga'];

describe('a restart on the same SQLite file', () => {
  let folder: ReturnType<typeof tempFolder>;
  const open: Harness[] = [];
  const start = (now?: Date) => {
    const h = createHarness({ store: sqliteStore({ filename: folder.file() }) });
    if (now) h.clock.now = new Date(now);
    open.push(h);
    return h;
  };
  beforeEach(() => {
    folder = tempFolder();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
    folder.cleanup();
  });

  /** Everything a reader can learn about the portal's MFA, through the API and the store. */
  async function everything(h: Harness) {
    const api: Record<string, unknown> = {};
    const read = async (label: string, as: string, path: string, session?: string) => {
      const res = await h.json('GET', path, { as, ...(session ? { session } : {}) });
      api[label] = { status: res.status, body: res.body };
    };
    for (const user of USERS) {
      for (const session of [`${user}-s1`, `${user}-s2`])
        await read(`me ${session}`, user, '/mfa/me', session);
    }
    for (const [account, admin] of [
      ['acme', 'ada'],
      ['contoso', 'cleo'],
      ['solo', 'olga'],
    ] as const) {
      await read(`policy ${account}`, admin, `/mfa/accounts/${account}/policy`);
      await read(`members ${account}`, admin, `/mfa/accounts/${account}/members`);
      await read(`audit ${account}`, admin, `/mfa/accounts/${account}/audit?limit=100`);
    }
    for (const user of ['ada', 'sam', 'cleo'])
      await read(`access ${user}`, user, '/mfa/accounts/acme/access');
    const store: Record<string, unknown> = {};
    for (const user of USERS) {
      store[user] = {
        factor: await h.store.getTotpFactor(user),
        pending: await h.store.getPendingTotp(user),
        codes: await h.store.countRecoveryCodes(user),
        attempts: await h.store.getAttempts(user),
        sessions: await Promise.all([1, 2].map((n) => h.store.getSession(user, `${user}-s${n}`))),
      };
    }
    store.grace = [...(await h.store.getGraceStarts('acme', USERS))];
    store.keyCheck = await h.store.getMeta('key_check');
    return { api, store };
  }

  it('keeps policy, factors, codes, attempts, locks, sessions, grace, pending setups and audit', async () => {
    const before = start();
    const ada = await before.enroll('ada');
    const sam = await before.enroll('sam');
    const cleo = await before.enroll('cleo');
    const olga = await before.enroll('olga');
    const policy = await before.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all', gracePeriodDays: 14 },
    });
    expect(policy.status).toBe(200);
    // max has no MFA: his grace period starts, and he begins a setup.
    expect((await before.json('GET', '/mfa/accounts/acme/access', { as: 'max' })).body.reason).toBe(
      'grace_period',
    );
    const pending = await before.json('POST', '/mfa/me/totp/setup', { as: 'max' });
    // sam verifies a second session with a recovery code, and another with his app.
    const recovery = await before.json('POST', '/mfa/challenge', {
      as: 'sam',
      session: 'sam-s2',
      body: { recoveryCode: sam.recoveryCodes[0] },
    });
    expect(recovery.status).toBe(200);
    const usedCode = await before.code(sam.secret);
    expect(
      (
        await before.json('POST', '/mfa/challenge', {
          as: 'sam',
          session: 'sam-s3',
          body: { code: usedCode },
        })
      ).status,
    ).toBe(200);
    // cleo fails 3 codes; olga fails 5 and is locked for 30 s.
    for (let i = 0; i < 3; i++)
      await before.json('POST', '/mfa/challenge', {
        as: 'cleo',
        body: { code: await wrongCode(before, cleo.secret) },
      });
    for (let i = 0; i < 5; i++)
      await before.json('POST', '/mfa/challenge', {
        as: 'olga',
        body: { code: await wrongCode(before, olga.secret) },
      });
    before.advance(10);
    const now = before.clock.now;
    const seen = await everything(before);
    await before.mfa.close();

    const after = start(now);
    await expect(after.mfa.ready()).resolves.toBeUndefined();
    expect(await everything(after)).toEqual(seen);

    // And it refuses what the last instance would have refused.
    const replay = await after.json('POST', '/mfa/challenge', {
      as: 'sam',
      session: 'sam-s4',
      body: { code: usedCode },
    });
    expect(replay.body.error.code).toBe('invalid_code');
    expect(after.events.map((e) => e.type)).toEqual(['challenge.replayed']);
    after.advance(30);
    const usedRecovery = await after.json('POST', '/mfa/challenge', {
      as: 'sam',
      session: 'sam-s5',
      body: { recoveryCode: sam.recoveryCodes[0] },
    });
    expect(usedRecovery.body.error.code).toBe('invalid_code');
    const cleoWrong = await after.json('POST', '/mfa/challenge', {
      as: 'cleo',
      body: { code: await wrongCode(after, cleo.secret) },
    });
    // Her 4th failure (the count went on), not her first.
    expect(cleoWrong.body.error.attemptsLeft).toBe(1);
    after.clock.now = now;
    const olgaLocked = await after.json('POST', '/mfa/challenge', {
      as: 'olga',
      body: { code: await after.code(olga.secret) },
    });
    expect(olgaLocked.status).toBe(429);
    expect(olgaLocked.body.error.retryAfterSeconds).toBe(20);
    // The verified session still lets ada in; max's pending setup still confirms.
    expect((await after.json('GET', '/accounts/acme/area', { as: 'ada' })).status).toBe(200);
    expect(ada.secret).not.toBe(pending.body.secret);
    const confirm = await after.json('POST', '/mfa/me/totp/confirm', {
      as: 'max',
      body: { code: await after.code(pending.body.secret) },
    });
    expect(confirm.status).toBe(200);
  });
});
