/**
 * The store conformance suite: the facts version (`factsVersion`), which changes with every
 * write that changes what `getEnrollments` or `getGraceStarts` answer, and with no other.
 * A store without `factsVersion` (it is optional) passes these as they stand.
 */
import { describe, expect, it } from 'vitest';
import type { MfaStore } from '../store/store.ts';
import { type ConformanceContext, later, T0 } from './context.ts';

export function factsVersionConformance(t: ConformanceContext): void {
  const { id, enroll } = t;
  const credential = (userId: string, label: string) => ({
    userId,
    credentialId: id(`cred-${label}`),
    publicKey: `pk-${label}`,
    counter: 0,
    transports: ['internal'],
    backedUp: false,
    name: `Key ${label}`,
    createdAt: T0,
    lastUsedAt: null,
  });
  const addCredential = async (userId: string, label: string, limit = 10) => {
    await t.store.webAuthnUserHandle(userId, `handle-${userId}`);
    return t.store.addWebAuthnCredential(credential(userId, label), {
      limit,
      recoveryCodeHashes: [`hash-${label}`],
      session: { userId, sessionId: id(`reg-${label}`), verifiedAt: T0, method: 'webauthn' },
    });
  };
  /**
   * Runs each step and says, per step, whether the version changed across it (the store's
   * `factsVersion`, or nothing without one).
   */
  const changes = async (steps: Record<string, (store: MfaStore) => Promise<unknown>>) => {
    const read = t.store.factsVersion?.bind(t.store);
    const moved: Record<string, boolean> = {};
    for (const [name, step] of Object.entries(steps)) {
      const before = read ? await read() : null;
      await step(t.store);
      moved[name] = read ? (await read()) !== before : true;
    }
    return moved;
  };
  const all = (names: string[], value: boolean) => Object.fromEntries(names.map((name) => [name, value]));

  describe('the facts version', () => {
    it('changes with each write that changes an enrollment or a grace start', async () => {
      const steps: Record<string, (store: MfaStore) => Promise<unknown>> = {
        'activateTotp (a first app)': () => enroll(id('max')),
        'activateTotp (an app replaced)': () => enroll(id('max'), { secret: 'sealed-again' }),
        'addWebAuthnCredential (a first passkey)': () => addCredential(id('ada'), 'a'),
        'addWebAuthnCredential (another)': () => addCredential(id('ada'), 'b'),
        deleteWebAuthnCredential: (store) => store.deleteWebAuthnCredential(id('ada'), id('cred-b')),
        deleteTotp: (store) => store.deleteTotp(id('max')),
        'resetMfa (a reset)': (store) => store.resetMfa(id('ada')),
        'startGrace (a new start)': (store) => store.startGrace(id('acme'), id('sam'), later(1000)),
        'forfeitGrace (a running grace period forfeited)': (store) =>
          store.forfeitGrace(id('sam'), [id('acme')], later(2000)),
        'forfeitGrace (by an earlier reset)': (store) => store.forfeitGrace(id('sam'), [id('acme')], T0),
        'forfeitGrace (a start where none was)': (store) =>
          store.forfeitGrace(id('sam'), [id('acme'), id('contoso')], T0),
      };
      expect(await changes(steps)).toEqual(all(Object.keys(steps), true));
    });

    it('moves past every value it answered before (an opaque value, never one seen again)', async () => {
      const read = t.store.factsVersion?.bind(t.store);
      if (!read) return;
      const seen = [await read()];
      for (const user of ['a', 'b', 'c']) {
        await enroll(id(user));
        seen.push(await read());
        await t.store.resetMfa(id(user));
        seen.push(await read());
      }
      expect(new Set(seen).size).toBe(seen.length);
      // Reading it changes nothing.
      expect(await read()).toBe(seen.at(-1));
    });

    it('does not change with reads, unrelated writes, or writes that change nothing', async () => {
      await enroll(id('max'), {}, ['hash-1', 'hash-2']);
      await addCredential(id('ada'), 'a');
      await t.store.startGrace(id('acme'), id('sam'), later(1000));
      await t.store.forfeitGrace(id('sam'), [id('acme')], later(2000));
      const session = { userId: id('max'), sessionId: id('s1'), verifiedAt: T0, method: 'totp' as const };
      const steps: Record<string, (store: MfaStore) => Promise<unknown>> = {
        reads: async (store) => {
          await store.getEnrollments([id('max'), id('ada'), id('sam')]);
          await store.getGraceStarts(id('acme'), [id('sam')]);
          await store.getTotpFactor(id('max'));
          await store.listWebAuthnCredentials(id('ada'));
          await store.getSession(id('max'), id('s1'));
        },
        'putPolicy and the audit trail': async (store) => {
          await store.putPolicy(t.policy(id('acme'), 1), 0);
          await store.appendAudit({
            type: 'policy.updated',
            actorId: id('ada'),
            userId: null,
            accountId: id('acme'),
            before: null,
            after: null,
            at: T0,
          });
        },
        sessions: async (store) => {
          await store.markSessionVerified(session);
          await store.endSession(id('max'), id('s1'));
        },
        'challenge attempts (a step, a recovery code, a failure)': async () => {
          expect(await t.consumeStep(id('max'), 100)).toBe(true);
          expect(await t.consumeCode(id('max'), ['hash-1'], later(2000))).toBe(true);
          await t.fail(id('max'), later(3000));
        },
        'recovery codes, a secret re-sealed, a pending setup': async (store) => {
          await store.replaceRecoveryCodes(id('max'), ['hash-3']);
          expect(await store.updateTotpSecret(id('max'), 'sealed-anew', `sealed-${id('max')}`)).toBe(true);
          await store.putPendingTotp({ userId: id('sam'), secret: 'pending', expiresAt: later(600_000) });
        },
        'a passkey renamed': (store) => store.renameWebAuthnCredential(id('ada'), id('cred-a'), 'Laptop'),
        'remembered devices': async (store) => {
          await store.rememberDevice({
            deviceId: id('device'),
            userId: id('max'),
            tokenHash: `k.${id('hash')}`,
            method: 'totp',
            label: 'Chrome on macOS',
            createdAt: T0,
            lastUsedAt: null,
            expiresAt: later(600_000),
          });
          await store.forgetRememberedDevices(id('max'), null);
        },
        'pruning and bookkeeping': async (store) => {
          await store.pruneExpired({
            now: later(10_000_000),
            sessionsBefore: later(10_000_000),
            attemptsBefore: later(10_000_000),
            keepFailures: 10,
            limit: 100,
          });
          await store.putMeta(id('key'), 'value', null);
        },
        'startGrace for a start already there': (store) => store.startGrace(id('acme'), id('sam'), T0),
        'forfeitGrace by a reset after one that forfeited it already': (store) =>
          store.forfeitGrace(id('sam'), [id('acme')], later(5000)),
        'forfeitGrace of no account': (store) => store.forfeitGrace(id('sam'), [], T0),
        'resetMfa of a user without MFA': (store) => store.resetMfa(id('nobody')),
        'deleteTotp without an app': (store) => store.deleteTotp(id('ada')),
        'deleteWebAuthnCredential of none': (store) =>
          store.deleteWebAuthnCredential(id('ada'), id('cred-x')),
        "deleteWebAuthnCredential of another user's": (store) =>
          store.deleteWebAuthnCredential(id('max'), id('cred-a')),
        'activateTotp of a setup no longer pending': (store) =>
          store.activateTotp(t.factor(id('sam')), 'not-the-pending-secret', null),
        'addWebAuthnCredential refused (too many, a duplicate)': async () => {
          expect(await addCredential(id('ada'), 'z', 1)).toEqual({ added: false, reason: 'too_many' });
          expect(await addCredential(id('max'), 'a')).toEqual({ added: false, reason: 'duplicate' });
        },
      };
      const read = t.store.factsVersion?.bind(t.store);
      expect(await changes(steps)).toEqual(all(Object.keys(steps), !read));
    });
  });
}
