/**
 * Passkeys and security keys through the HTTP API with a real software authenticator:
 * the ceremonies with each algorithm, what /me shows, the first factor's recovery codes,
 * renaming and removing (step-up, `mfa_required_by_policy`), sessions ending when trust
 * changes, and an account that accepts only phishing-resistant methods.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, expectError, type Harness, storeFactories } from '../support.ts';
import { softwareAuthenticator } from './authenticator.ts';
import { addPasskey, ORIGIN, verifyWithPasskey } from './passkeys.ts';

const iso = (d: Date) => d.toISOString();
const ANY = ['totp', 'webauthn'];

describe.each(storeFactories)('on the %s store', (_name, makeStore) => {
  let h: Harness;
  afterEach(async () => {
    await h.mfa.close();
  });
  const harness = () => {
    h = createHarness({ store: makeStore() });
    return h;
  };
  const me = async (user: string, session?: string) =>
    (await h.json('GET', '/mfa/me', { as: user, ...(session ? { session } : {}) })).body;
  const access = async (user: string, session?: string, accountId = 'acme') =>
    (await h.json('GET', `/mfa/accounts/${accountId}/access`, { as: user, ...(session ? { session } : {}) }))
      .body;
  const setPolicy = async (body: Record<string, unknown>) => {
    if (!(await h.store.getTotpFactor('ada'))) await h.enroll('ada');
    const put = await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    return put.body;
  };

  describe('ceremonies', () => {
    it.each(['ES256', 'EdDSA', 'RS256'] as const)(
      'registers a %s key and verifies a new session with it',
      async (algorithm) => {
        harness();
        const key = softwareAuthenticator({ algorithm });
        const begun = await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' });
        expect(begun.status).toBe(200);
        const { options } = begun.body;
        expect(options).toMatchObject({
          rp: { id: 'portal.test', name: 'Acme Portal' },
          attestation: 'none',
          authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
        });
        expect(
          options.pubKeyCredParams.map((p: { alg: number }) => p.alg).sort((a: number, b: number) => a - b),
        ).toEqual([-257, -8, -7]);
        // The user handle is random: never the host's user id or email.
        const handle = new TextDecoder().decode(
          Uint8Array.from(atob(options.user.id.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
            c.charCodeAt(0),
          ),
        );
        expect(handle).not.toContain('max');
        expect(options.user.name).toBe('max@acme.test');

        const response = key.register(options, { origin: ORIGIN });
        const added = await h.json('POST', '/mfa/me/webauthn/credentials', {
          as: 'max',
          body: { response, name: '  Laptop  ' },
        });
        expect(added.status).toBe(200);
        expect(added.body.credential).toEqual({
          credentialId: response.id,
          name: 'Laptop',
          createdAt: iso(h.clock.now),
          lastUsedAt: null,
          backedUp: false,
          transports: ['usb'],
        });
        expect(added.body.recoveryCodes).toHaveLength(10);
        // The registering session is verified by the registration (never a step-up).
        expect((await me('max')).session).toEqual({
          verified: true,
          verifiedAt: iso(h.clock.now),
          method: 'webauthn_registration',
        });
        expect(h.events.map((e) => e.type)).toEqual(['webauthn.registered']);
        expect(h.events[0]).toMatchObject({
          actorId: 'max',
          userId: 'max',
          after: { credentialId: response.id, name: 'Laptop', firstFactor: true },
        });

        h.advance(60);
        const verified = await verifyWithPasskey(h, { as: 'max', session: 'max-s2' }, key);
        expect(verified.body).toEqual({
          verified: true,
          verifiedAt: iso(h.clock.now),
          method: 'webauthn',
          recoveryCodesRemaining: 10,
          rememberedUntil: null,
        });
        expect((verified as { options?: { allowCredentials?: unknown } }).options?.allowCredentials).toEqual([
          { id: response.id, type: 'public-key', transports: ['usb'] },
        ]);
        expect((await me('max', 'max-s2')).factors).toEqual([
          {
            type: 'webauthn',
            credentialId: response.id,
            name: 'Laptop',
            createdAt: iso(new Date(h.clock.now.getTime() - 60_000)),
            lastUsedAt: iso(h.clock.now),
            backedUp: false,
            transports: ['usb'],
          },
        ]);
      },
    );

    it('issues recovery codes with the first factor only (an app after a passkey keeps them), and they verify a passkey user', async () => {
      harness();
      const first = await addPasskey(h, { as: 'max' });
      const codes: string[] = first.body.recoveryCodes;
      // A registration is no step-up: the next factor is bound after a verification.
      await verifyWithPasskey(h, { as: 'max' }, first.key);
      const second = await addPasskey(h, { as: 'max' });
      expect(second.status).toBe(200);
      expect(second.body.recoveryCodes).toBeUndefined();
      await verifyWithPasskey(h, { as: 'max' }, first.key);
      // An app after a passkey: no new codes (the ones saved with the passkey stay), as DESIGN says.
      const app = await h.enroll('max');
      expect(app.recoveryCodes).toBeUndefined();
      expect((await me('max')).recoveryCodesRemaining).toBe(10);
      const recovered = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s9',
        body: { recoveryCode: codes[0] },
      });
      expect(recovered.body).toMatchObject({ verified: true, method: 'recovery', recoveryCodesRemaining: 9 });
      expect((await me('max')).recoveryCodesRemaining).toBe(9);
    });

    it('lists the app first, then the credentials, and says enrolled', async () => {
      harness();
      await h.enroll('max');
      await addPasskey(
        h,
        { as: 'max' },
        softwareAuthenticator({ backedUp: true, transports: ['internal', 'hybrid'] }),
        {
          name: 'Phone',
        },
      );
      const view = await me('max');
      expect(view.enrolled).toBe(true);
      expect(view.factors.map((f: { type: string }) => f.type)).toEqual(['totp', 'webauthn']);
      expect(view.factors[1]).toMatchObject({
        name: 'Phone',
        backedUp: true,
        transports: ['internal', 'hybrid'],
      });
      expect(JSON.stringify(view)).not.toMatch(/publicKey|counter/);
    });

    it('renames a credential (1–64 characters), audited', async () => {
      harness();
      const { credentialId } = await addPasskey(h, { as: 'max' });
      const path = `/mfa/me/webauthn/credentials/${credentialId}`;
      const renamed = await h.json('PATCH', path, { as: 'max', body: { name: 'Work key' } });
      expect(renamed.body.credential).toMatchObject({ credentialId, name: 'Work key' });
      expect(h.events.at(-1)).toMatchObject({
        type: 'webauthn.renamed',
        before: { credentialId, name: 'Passkey' },
        after: { credentialId, name: 'Work key' },
      });
      for (const name of ['', '   ', 'x'.repeat(65), 'tab\there']) {
        expectError(await h.json('PATCH', path, { as: 'max', body: { name } }), 'invalid_request');
      }
      expect((await h.json('PATCH', path, { as: 'max', body: { name: 'x'.repeat(64) } })).status).toBe(200);
    });

    it('answers not_enrolled for a passkey challenge of a user without one', async () => {
      harness();
      await h.enroll('max');
      expectError(await h.json('POST', '/mfa/challenge/webauthn', { as: 'max' }), 'not_enrolled');
      expectError(await h.json('POST', '/mfa/challenge/webauthn', { as: 'sam' }), 'not_enrolled');
    });

    it('uses createMfa({ webauthn }) for the relying party and its origins', async () => {
      h = createHarness({
        store: makeStore(),
        webauthn: { rpId: 'portal.test', rpName: 'Portal Passkeys', origins: ['https://login.portal.test'] },
      });
      const key = softwareAuthenticator();
      const begun = await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' });
      expect(begun.body.options.rp).toEqual({ id: 'portal.test', name: 'Portal Passkeys' });
      const response = key.register(begun.body.options, { origin: 'https://login.portal.test' });
      expect(
        (await h.json('POST', '/mfa/me/webauthn/credentials', { as: 'max', body: { response } })).status,
      ).toBe(200);
      // The request's own origin is no longer one of them.
      expectError(await verifyWithPasskey(h, { as: 'max', session: 'max-s2' }, key), 'invalid_credential');
      const other = await verifyWithPasskey(h, { as: 'max', session: 'max-s2' }, key, {
        origin: 'https://login.portal.test',
      });
      expect(other.status).toBe(200);
    });
  });

  describe('trust changes', () => {
    it('adding a passkey keeps the other verified sessions (no loss of trust); the registering one is verified with it', async () => {
      harness();
      await h.enroll('max');
      await h.verify('max', 'max-s2');
      expect((await access('max', 'max-s2')).reason).toBe('verified');
      expect((await me('max', 'max-s2')).session.verified).toBe(true);
      await addPasskey(h, { as: 'max' });
      expect((await me('max', 'max-s2')).session).toMatchObject({ verified: true, method: 'totp' });
      expect((await access('max', 'max-s2')).reason).toBe('verified');
      expect((await me('max')).session).toMatchObject({ verified: true, method: 'webauthn_registration' });
    });

    it('removing one needs a recent verification and ends the other sessions, keeping this one while a factor remains', async () => {
      harness();
      const key = softwareAuthenticator();
      const { credentialId } = await addPasskey(h, { as: 'max' }, key);
      await verifyWithPasskey(h, { as: 'max' }, key);
      const spare = await addPasskey(h, { as: 'max' });
      await verifyWithPasskey(h, { as: 'max', session: 'max-s2' }, key);
      h.advance(16 * 60);
      const path = `/mfa/me/webauthn/credentials/${credentialId}`;
      expectError(await h.json('DELETE', path, { as: 'max' }), 'step_up_required');
      expect(await h.store.listWebAuthnCredentials('max')).toHaveLength(2);
      await verifyWithPasskey(h, { as: 'max' }, key);
      await verifyWithPasskey(h, { as: 'max', session: 'max-s2' }, key);
      const removed = await h.json('DELETE', path, { as: 'max' });
      expect(removed.body).toEqual({ removed: true });
      expect(h.events.at(-1)).toMatchObject({ type: 'webauthn.removed', before: { credentialId } });
      expect((await me('max', 'max-s2')).session.verified).toBe(false);
      expect((await me('max')).session.verified).toBe(true);
      expect((await me('max')).recoveryCodesRemaining).toBe(10);
      // The last one: no MFA left, its codes gone.
      const last = await h.json('DELETE', `/mfa/me/webauthn/credentials/${spare.credentialId}`, {
        as: 'max',
      });
      expect(last.status).toBe(200);
      expect(await me('max')).toMatchObject({ enrolled: false, factors: [], recoveryCodesRemaining: 0 });
    });

    it('a reset removes the passkeys too', async () => {
      harness();
      await h.enroll('ada');
      await addPasskey(h, { as: 'max' });
      const reset = await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' });
      expect(reset.status).toBe(200);
      expect(await h.store.listWebAuthnCredentials('max')).toEqual([]);
      expect((await me('max')).enrolled).toBe(false);
    });

    it('refuses to remove the last factor an account that requires MFA accepts', async () => {
      harness();
      await setPolicy({ mode: 'required_all' });
      const { credentialId, key } = await addPasskey(h, { as: 'max' });
      await verifyWithPasskey(h, { as: 'max' }, key);
      const refused = await h.json('DELETE', `/mfa/me/webauthn/credentials/${credentialId}`, { as: 'max' });
      expect(expectError(refused, 'mfa_required_by_policy').accounts).toEqual([
        { accountId: 'acme', accountName: 'Acme' },
      ]);
      // With an app as well, under "any method", the passkey may go (after a step-up with it).
      await h.enroll('max');
      await verifyWithPasskey(h, { as: 'max' }, key);
      expect(
        (await h.json('DELETE', `/mfa/me/webauthn/credentials/${credentialId}`, { as: 'max' })).status,
      ).toBe(200);
    });
  });

  describe('an account that accepts only phishing-resistant methods', () => {
    it('GET and PUT policy carry allowedFactors; leaving it out keeps it', async () => {
      harness();
      const put = await setPolicy({ mode: 'required_all', allowedFactors: 'phishing_resistant' });
      expect(put.allowedFactors).toBe('phishing_resistant');
      expect(h.events.at(-1)).toMatchObject({
        type: 'policy.updated',
        after: { mode: 'required_all', allowedFactors: 'phishing_resistant' },
      });
      const kept = await setPolicy({ mode: 'required_admins' });
      expect(kept.allowedFactors).toBe('phishing_resistant');
      expectError(
        await h.json('PUT', '/mfa/accounts/acme/policy', {
          as: 'ada',
          body: { mode: 'optional', allowedFactors: 'sms' },
        }),
        'invalid_request',
      );
    });

    it('treats an app-only member as without MFA: grace with accepts, then enrollment_required', async () => {
      harness();
      await h.enroll('max');
      await setPolicy({ mode: 'required_all', gracePeriodDays: 3, allowedFactors: 'phishing_resistant' });
      const grace = await access('max');
      expect(grace).toMatchObject({ allow: true, reason: 'grace_period', accepts: ['webauthn'] });
      expect((await me('max')).requiredBy).toEqual([
        {
          accountId: 'acme',
          accountName: 'Acme',
          deadline: grace.deadline,
          resetAt: null,
          accepts: ['webauthn'],
          enforceFrom: null,
        },
      ]);
      h.advance(3 * 86_400 + 1);
      expect(await access('max')).toMatchObject({
        allow: false,
        reason: 'enrollment_required',
        accepts: ['webauthn'],
      });
      const area = await h.json('GET', '/accounts/acme/area', { as: 'max' });
      expect(expectError(area, 'enrollment_required').accepts).toEqual(['webauthn']);
      // A passkey lets him in (added after a fresh verification with his app: he has MFA).
      expectError(await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' }), 'step_up_required');
      await h.verify('max');
      expect((await addPasskey(h, { as: 'max' })).status).toBe(200);
      expect(await access('max')).toEqual({ allow: true, reason: 'verified' });
    });

    it('still challenges an app-only member for the app during the grace period (tightening never weakens)', async () => {
      harness();
      await h.enroll('max');
      await setPolicy({ mode: 'required_all', gracePeriodDays: 10, allowedFactors: 'phishing_resistant' });
      // A new sign-in with a password alone: not let in, asked for the app he holds, told by
      // when to add a passkey (his grace period starts now).
      const deadline = new Date(h.clock.now.getTime() + 10 * 86_400_000).toISOString();
      expect(await access('max', 'max-s2')).toEqual({
        allow: false,
        reason: 'challenge_required',
        accepts: ['totp'],
        deadline,
      });
      const area = await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-s2' });
      expect(expectError(area, 'challenge_required').accepts).toEqual(['totp']);
      // His app code lets him in for the grace period, which starts then, and tells him to add a passkey.
      await h.verify('max', 'max-s2');
      const grace = await access('max', 'max-s2');
      expect(grace).toEqual({ allow: true, reason: 'grace_period', accepts: ['webauthn'], deadline });
      expect((await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-s2' })).status).toBe(200);
      // Past the deadline, no app code opens the account.
      h.advance(10 * 86_400 + 1);
      await h.verify('max', 'max-s3');
      expect(await access('max', 'max-s3')).toMatchObject({ allow: false, reason: 'enrollment_required' });
    });

    it('challenges a session verified with an app code; a passkey or a recovery code verifies it', async () => {
      harness();
      const app = await h.enroll('max');
      const key = softwareAuthenticator();
      await addPasskey(h, { as: 'max' }, key);
      await setPolicy({ mode: 'required_all', allowedFactors: 'phishing_resistant' });
      h.advance(30);
      await h.verify('max', 'max-s2');
      expect((await me('max', 'max-s2')).session).toMatchObject({ verified: true, method: 'totp' });
      expect(await access('max', 'max-s2')).toEqual({
        allow: false,
        reason: 'challenge_required',
        accepts: ['webauthn'],
      });
      expect(
        expectError(
          await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-s2' }),
          'challenge_required',
        ).accepts,
      ).toEqual(['webauthn']);
      await verifyWithPasskey(h, { as: 'max', session: 'max-s2' }, key);
      expect(await access('max', 'max-s2')).toEqual({ allow: true, reason: 'verified' });
      // A recovery code is accepted by every policy.
      const recovered = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s3',
        body: { recoveryCode: app.recoveryCodes[0] },
      });
      expect(recovered.body.method).toBe('recovery');
      expect(await access('max', 'max-s3')).toEqual({ allow: true, reason: 'verified' });
    });

    it('counts, per member, which methods they have and which the account accepts', async () => {
      harness();
      await h.enroll('max');
      await addPasskey(h, { as: 'sam' });
      const policy = await setPolicy({ mode: 'optional', allowedFactors: 'phishing_resistant' });
      // ada (app), max (app), sam (passkey): three members.
      expect(policy.compliance).toEqual({
        members: 3,
        enrolled: 3,
        withAcceptedMethod: 1,
        phishingResistant: 1,
      });
      // Ada's app is no MFA here, and the policy is optional: she is let in without one.
      expect(await access('ada')).toEqual({ allow: true, reason: 'not_required' });
      const adaKey = (await addPasskey(h, { as: 'ada' })).key;
      const listed = (await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' })).body.members;
      const byId = Object.fromEntries(listed.map((m: { userId: string }) => [m.userId, m]));
      expect(byId.ada.methods).toEqual(['totp', 'webauthn']);
      expect(byId.max).toMatchObject({ enrolled: true, methods: ['totp'] });
      expect(byId.sam).toMatchObject({ enrolled: true, methods: ['webauthn'] });
      // A registration is no step-up: ada changes the policy after verifying with her passkey.
      await verifyWithPasskey(h, { as: 'ada' }, adaKey);
      const any = await setPolicy({ mode: 'optional', allowedFactors: 'any' });
      expect(any.compliance).toEqual({
        members: 3,
        enrolled: 3,
        withAcceptedMethod: 3,
        phishingResistant: 2,
      });
      expect(await access('max', 'max-s9')).toEqual({
        allow: false,
        reason: 'challenge_required',
        accepts: ANY,
      });
    });
  });
});
