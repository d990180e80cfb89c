/**
 * Half-done changes. A database that fails, times out or loses its connection in
 * the middle of a change (and an attacker who can cause that, by load or by
 * cutting connections) must never leave a user's MFA half changed: a new factor
 * with the old recovery codes, a factor gone but its failed attempts or grace
 * still in place, or no codes at all. For each change that touches several things
 * (confirming a replacement factor, regenerating recovery codes, an
 * administrator's or the host's reset, removing MFA) every store call of the
 * flow is failed in turn, before it runs and after it ran; afterwards the user's
 * MFA is either exactly as before or entirely the new one. On SQLite a failure is
 * also injected inside the store's own transactions, with a trigger.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { type MfaStore, memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import {
  accessOf,
  createHarness,
  type FaultMode,
  type FaultyStore,
  faultyStore,
  forgetFailures,
  freshSession,
  type Harness,
  SECRET,
  tempFolder,
  wrongCode,
} from '../support.ts';

const box = new SecretBox([SECRET]);

interface World {
  h: Harness;
  faulty: FaultyStore;
  /** tina's factor and codes before the change. */
  old: { secret: string; recoveryCodes: string[] };
}

/**
 * acme requires MFA of all; ada (admin) and tina (member of acme only) have MFA,
 * set up before the policy, so tina has no grace start; tina failed 3 codes and
 * is verified in two sessions.
 */
async function world(makeStore: () => MfaStore): Promise<World> {
  const faulty = faultyStore(makeStore());
  const dir = {
    users: {
      ada: { email: 'ada@acme.test', displayName: 'Ada' },
      tina: { email: 'tina@acme.test', displayName: 'Tina' },
    },
    memberships: { acme: { ada: 'admin' as const, tina: 'member' as const } },
    accountNames: { acme: 'Acme' },
    sso: {},
  };
  const h = createHarness({ store: faulty.store }, dir);
  const old = await h.enroll('tina');
  await h.enroll('ada');
  const policy = await h.json('PUT', '/mfa/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'required_all' },
  });
  expect(policy.status).toBe(200);
  const second = await h.json('POST', '/mfa/challenge', {
    as: 'tina',
    session: 'tina-s2',
    body: { code: await h.code(old.secret) },
  });
  expect(second.status).toBe(200);
  for (let i = 0; i < 3; i++) {
    const wrong = await h.json('POST', '/mfa/challenge', {
      as: 'tina',
      session: 'tina-s3',
      body: { code: await wrongCode(h, old.secret) },
    });
    expect(wrong.status).toBe(400);
  }
  h.advance(30);
  return { h, faulty, old };
}

/** Whether a TOTP code of `secret` verifies tina now, in a fresh session (moves the clock a step). */
async function totpWorks(h: Harness, secret: string): Promise<boolean> {
  h.advance(30);
  await forgetFailures(h.store);
  const res = await h.json('POST', '/mfa/challenge', {
    as: 'tina',
    session: freshSession('tina'),
    body: { code: await h.code(secret) },
  });
  return res.status === 200;
}

async function recoveryWorks(h: Harness, code: string): Promise<boolean> {
  await forgetFailures(h.store);
  const res = await h.json('POST', '/mfa/challenge', {
    as: 'tina',
    session: freshSession('tina'),
    body: { recoveryCode: code },
  });
  return res.status === 200;
}

/**
 * tina's MFA is as `world` left it: factor, codes, failures (unless a right code was
 * judged since, which clears them), sessions. A grace start may have been forfeited
 * already (a reset forfeits it first); while she has MFA that changes nothing.
 */
async function expectUntouched({ h, old }: World, { attempts = true } = {}) {
  if (attempts) expect(await h.store.getAttempts('tina')).toMatchObject({ failures: 3 });
  for (const session of ['tina-s1', 'tina-s2'])
    expect(await h.store.getSession('tina', session)).not.toBeNull();
  const grace = (await h.store.getGraceStarts('acme', ['tina'])).get('tina');
  if (grace) expect(grace.forfeitedAt?.getTime()).toBeLessThanOrEqual(h.clock.now.getTime());
  expect(await accessOf(h, 'tina', 'tina-s1')).toMatchObject({ allow: true, reason: 'verified' });
  expect(await h.store.countRecoveryCodes('tina')).toBe(10);
  expect(await totpWorks(h, old.secret)).toBe(true);
  expect(await recoveryWorks(h, old.recoveryCodes[0] as string)).toBe(true);
  expect(await recoveryWorks(h, old.recoveryCodes[9] as string)).toBe(true);
}

/** tina's MFA is gone entirely: factor, pending, codes, failures, sessions, and no new grace period. */
async function expectReset({ h, old }: World) {
  expect(await h.store.getTotpFactor('tina')).toBeNull();
  expect(await h.store.getPendingTotp('tina')).toBeNull();
  expect(await h.store.countRecoveryCodes('tina')).toBe(0);
  expect(await h.store.getAttempts('tina')).toEqual({ failures: 0, lockedUntil: null });
  for (const session of ['tina-s1', 'tina-s2']) expect(await h.store.getSession('tina', session)).toBeNull();
  expect(await accessOf(h, 'tina', 'tina-s1')).toMatchObject({ allow: false, reason: 'enrollment_required' });
  const refused = await h.json('POST', '/mfa/challenge', {
    as: 'tina',
    session: 'tina-s9',
    body: { recoveryCode: old.recoveryCodes[0] },
  });
  expect(refused.body.error.code).toBe('not_enrolled');
}

interface Flow {
  /** Runs the change; answers what it answered (a response, or a thrown error for the host API). */
  run: (w: World, extra: { newSecret?: string }) => Promise<{ ok: boolean; body?: any }>;
  /** Checks that tina's MFA is whole after the flow, whether it succeeded or not. */
  whole: (w: World, outcome: { ok: boolean; body?: any }, extra: { newSecret?: string }) => Promise<void>;
  /** Runs before the fault is armed (a setup the flow then confirms). */
  prepare?: (w: World) => Promise<{ newSecret?: string }>;
}

const resetWhole: Flow['whole'] = async (w) => {
  if (await w.h.store.getTotpFactor('tina')) await expectUntouched(w);
  else await expectReset(w);
};

const flows: Record<string, Flow> = {
  "an administrator's reset": {
    run: async ({ h }) => {
      const res = await h.json('DELETE', '/mfa/accounts/acme/members/tina/mfa', { as: 'ada' });
      return { ok: res.status === 200, body: res.body };
    },
    whole: resetWhole,
  },
  "the host's reset (mfa.resetUser)": {
    run: async ({ h }) =>
      h.mfa.resetUser('tina').then(
        () => ({ ok: true }),
        () => ({ ok: false }),
      ),
    whole: resetWhole,
  },
  'removing MFA (DELETE /me/totp)': {
    prepare: async ({ h }) => {
      // Removal is refused while a policy requires MFA: make acme optional again.
      const res = await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } });
      expect(res.status).toBe(200);
      return {};
    },
    run: async ({ h }) => {
      const res = await h.json('DELETE', '/mfa/me/totp', { as: 'tina' });
      return { ok: res.status === 200 };
    },
    whole: async (w) => {
      const { h, old } = w;
      if (await h.store.getTotpFactor('tina')) return expectUntouched(w);
      expect(await h.store.countRecoveryCodes('tina')).toBe(0);
      expect(await h.store.getAttempts('tina')).toEqual({ failures: 0, lockedUntil: null });
      for (const session of ['tina-s1', 'tina-s2'])
        expect(await h.store.getSession('tina', session)).toBeNull();
      expect(await recoveryWorks(h, old.recoveryCodes[0] as string)).toBe(false);
    },
  },
  'regenerating recovery codes': {
    run: async ({ h }) => {
      const res = await h.json('POST', '/mfa/me/recovery-codes', { as: 'tina' });
      return { ok: res.status === 200, body: res.body };
    },
    whole: async ({ h, old }, outcome) => {
      expect(await h.store.countRecoveryCodes('tina')).toBe(10);
      const first = await recoveryWorks(h, old.recoveryCodes[0] as string);
      const last = await recoveryWorks(h, old.recoveryCodes[9] as string);
      // All old codes, or none of them.
      expect(first).toBe(last);
      if (outcome.ok) {
        expect(first).toBe(false);
        expect(await recoveryWorks(h, outcome.body.recoveryCodes[4])).toBe(true);
      }
      expect(await totpWorks(h, old.secret)).toBe(true);
    },
  },
  'confirming a replacement factor': {
    prepare: async ({ h }) => {
      const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'tina' });
      expect(setup.status).toBe(200);
      return { newSecret: setup.body.secret };
    },
    run: async ({ h }, { newSecret }) => {
      const code = await h.code(newSecret as string);
      const res = await h.json('POST', '/mfa/me/totp/confirm', { as: 'tina', body: { code } });
      return { ok: res.status === 200, body: res.body };
    },
    whole: async ({ h, old }, outcome, { newSecret }) => {
      const factor = await h.store.getTotpFactor('tina');
      expect(factor).not.toBeNull();
      const current = (await box.open(factor?.secret ?? '', 'tina')).plaintext;
      expect([old.secret, newSecret]).toContain(current);
      expect(await h.store.countRecoveryCodes('tina')).toBe(10);
      const oldCodesWork = await recoveryWorks(h, old.recoveryCodes[0] as string);
      if (current === old.secret) {
        // Still the old factor, with all of its codes; the new secret is not accepted.
        expect(outcome.ok).toBe(false);
        expect(oldCodesWork).toBe(true);
        expect(await recoveryWorks(h, old.recoveryCodes[9] as string)).toBe(true);
        expect(await totpWorks(h, newSecret as string)).toBe(false);
        expect(await totpWorks(h, old.secret)).toBe(true);
      } else {
        // Entirely the new one: new codes, the old ones and the old secret refused.
        expect(oldCodesWork).toBe(false);
        expect(await h.store.getPendingTotp('tina')).toBeNull();
        if (outcome.ok) expect(await recoveryWorks(h, outcome.body.recoveryCodes[0])).toBe(true);
        expect(await totpWorks(h, old.secret)).toBe(false);
        expect(await totpWorks(h, newSecret as string)).toBe(true);
      }
    },
  },
};

const stores: [name: string, make: () => MfaStore][] = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ filename: ':memory:' })],
];

describe.each(stores)('on the %s store', (_name, makeStore) => {
  describe.each(Object.entries(flows))('%s', (_flow, flow) => {
    it('succeeds whole without faults, and its store calls are counted', async () => {
      const w = await world(makeStore);
      const extra = (await flow.prepare?.(w)) ?? {};
      w.faulty.record();
      const outcome = await flow.run(w, extra);
      expect(outcome.ok).toBe(true);
      expect(w.faulty.calls.length).toBeGreaterThan(2);
      await flow.whole(w, outcome, extra);
    });

    it.each(['throw', 'after'] as FaultMode[])(
      'is whole, old or new, when any one of its store calls fails (%s)',
      async (mode) => {
        const probe = await world(makeStore);
        const probeExtra = (await flow.prepare?.(probe)) ?? {};
        probe.faulty.record();
        await flow.run(probe, probeExtra);
        const total = probe.faulty.calls.length;
        await probe.h.mfa.close();

        for (let at = 1; at <= total; at++) {
          const w = await world(makeStore);
          const extra = (await flow.prepare?.(w)) ?? {};
          w.faulty.arm({ mode, at });
          const outcome = await flow.run(w, extra);
          const failedCall = w.faulty.calls[at - 1];
          w.faulty.disarm();
          expect(w.faulty.struck(), `call ${at} (${failedCall}) was struck`).toBe(true);
          try {
            await flow.whole(w, outcome, extra);
          } catch (error) {
            throw new Error(
              `half-done after a fault ${mode} call ${at} of ${total} (${failedCall}): ${error}`,
            );
          } finally {
            await w.h.mfa.close();
          }
        }
      },
    );
  });
});

describe('inside the SQLite store’s transactions', () => {
  let folder: ReturnType<typeof tempFolder>;
  let database: Database.Database;
  let w: World;

  beforeEach(async () => {
    folder = tempFolder();
    database = new Database(folder.file());
    w = await world(() => sqliteStore({ database }));
  });
  afterEach(async () => {
    await w.h.mfa.close();
    folder.cleanup();
  });

  /** Makes the statement fail that a change runs last but one, so the transaction must roll back its start. */
  const trigger = (name: string, when: string) =>
    database.exec(`create trigger ${name} ${when} begin select raise(abort, 'injected'); end`);

  it('rolls back an activation whose recovery codes cannot be written', async () => {
    const setup = await w.h.json('POST', '/mfa/me/totp/setup', { as: 'tina' });
    trigger('no_codes', 'before insert on mfa_recovery_codes');
    const res = await w.h.json('POST', '/mfa/me/totp/confirm', {
      as: 'tina',
      body: { code: await w.h.code(setup.body.secret) },
    });
    expect(res.status).toBe(503);
    database.exec('drop trigger no_codes');
    expect((await box.open((await w.h.store.getTotpFactor('tina'))?.secret ?? '', 'tina')).plaintext).toBe(
      w.old.secret,
    );
    expect(await w.h.store.getPendingTotp('tina')).not.toBeNull();
    // The right code was judged (which clears the failures) before the activation failed.
    await expectUntouched(w, { attempts: false });
  });

  it('rolls back a regeneration whose new codes cannot be written', async () => {
    trigger('no_codes', 'before insert on mfa_recovery_codes');
    expect((await w.h.json('POST', '/mfa/me/recovery-codes', { as: 'tina' })).status).toBe(503);
    database.exec('drop trigger no_codes');
    await expectUntouched(w);
  });

  it('rolls back a failed attempt whose audit event cannot be written: not counted, not unrecorded', async () => {
    trigger('no_audit', 'before insert on mfa_audit');
    const wrong = await w.h.json('POST', '/mfa/challenge', {
      as: 'tina',
      session: 'tina-s3',
      body: { code: await wrongCode(w.h, w.old.secret) },
    });
    expect(wrong.status).toBe(503);
    database.exec('drop trigger no_audit');
    await expectUntouched(w);
  });

  it('rolls back a recovery code whose audit event cannot be written: still unused, session not verified', async () => {
    trigger('no_audit', 'before insert on mfa_audit');
    const used = await w.h.json('POST', '/mfa/challenge', {
      as: 'tina',
      session: 'tina-s3',
      body: { recoveryCode: w.old.recoveryCodes[0] },
    });
    expect(used.status).toBe(503);
    database.exec('drop trigger no_audit');
    expect(await w.h.store.getSession('tina', 'tina-s3')).toBeNull();
    await expectUntouched(w);
  });

  it('rolls back each change whose audit event cannot be written: policy, codes, removal, reset, enrollment', async () => {
    const policyBefore = await w.h.store.getPolicy('acme');
    const eventsBefore = await w.h.store.listAudit({
      accountId: 'acme',
      userIds: ['ada', 'tina'],
      limit: 100,
    });
    trigger('no_audit', 'before insert on mfa_audit');
    const changes = {
      policy: await w.h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } }),
      codes: await w.h.json('POST', '/mfa/me/recovery-codes', { as: 'tina' }),
      reset: await w.h.json('DELETE', '/mfa/accounts/acme/members/tina/mfa', { as: 'ada' }),
    };
    for (const [what, answer] of Object.entries(changes)) expect(answer.status, what).toBe(503);
    database.exec('drop trigger no_audit');
    expect(await w.h.store.getPolicy('acme')).toEqual(policyBefore);
    await expectUntouched(w);

    // Removal, once no policy requires MFA; and an enrollment: each rolled back, then made.
    expect(
      (await w.h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } })).status,
    ).toBe(200);
    trigger('no_audit', 'before insert on mfa_audit');
    expect((await w.h.json('DELETE', '/mfa/me/totp', { as: 'tina' })).status).toBe(503);
    expect(await w.h.store.getTotpFactor('tina')).not.toBeNull();
    const setup = await w.h.json('POST', '/mfa/me/totp/setup', { as: 'tina' });
    const confirm = await w.h.json('POST', '/mfa/me/totp/confirm', {
      as: 'tina',
      body: { code: await w.h.code(setup.body.secret) },
    });
    expect(confirm.status).toBe(503);
    expect(await w.h.store.getPendingTotp('tina')).not.toBeNull();
    database.exec('drop trigger no_audit');
    expect((await box.open((await w.h.store.getTotpFactor('tina'))?.secret ?? '', 'tina')).plaintext).toBe(
      w.old.secret,
    );
    const after = await w.h.store.listAudit({ accountId: 'acme', userIds: ['ada', 'tina'], limit: 100 });
    // Of the changes tried, only the one made after the trigger went is recorded (expectUntouched's
    // own recovery codes add theirs).
    const changeTypes = [
      'policy.updated',
      'recovery_codes.regenerated',
      'mfa.reset',
      'mfa.removed',
      'mfa.enrolled',
    ];
    const recorded = after.filter(
      (e) => !eventsBefore.some((b) => b.id === e.id) && changeTypes.includes(e.type),
    );
    expect(recorded.map((e) => e.type)).toEqual(['policy.updated']);
  });

  it('rolls back a reset whose sessions cannot be ended', async () => {
    trigger('keep_sessions', 'before delete on mfa_verified_sessions');
    expect((await w.h.json('DELETE', '/mfa/accounts/acme/members/tina/mfa', { as: 'ada' })).status).toBe(503);
    database.exec('drop trigger keep_sessions');
    await expectUntouched(w);
  });
});
