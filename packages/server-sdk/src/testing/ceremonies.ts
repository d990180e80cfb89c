/**
 * The store conformance suite: ceremonies and trust changes. A factor is bound in two
 * calls (a WebAuthn registration begun, then finished; an app set up, then confirmed), and
 * what a user does between them must count. An attacker with a password who begins a
 * registration must not finish it after the user set up MFA, renewed their codes or was
 * reset; two removals sent at once must not both pass the rule that a required user keeps
 * a factor; and a device remembered in a race with a trust change must not outlive it.
 * Each is decided inside the store's write, so each is proved here, on every store.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_OPEN_CEREMONIES,
  type RememberedDeviceRecord,
  type SessionRecord,
  type WebAuthnCredentialRecord,
} from '../model.ts';
import type { MustKeep } from '../store/store.ts';
import { type ConformanceContext, countTrue, later, T0, times } from './context.ts';

const DAY = 86_400_000;
const ANY: MustKeep = ['totp', 'webauthn'];

export function ceremoniesConformance(t: ConformanceContext): void {
  const { id, enroll } = t;

  const credential = (userId: string, label: string): WebAuthnCredentialRecord => ({
    userId,
    credentialId: `${userId}-cred-${label}`,
    publicKey: `pk-${label}`,
    counter: 0,
    transports: ['internal'],
    backedUp: false,
    name: `Key ${label}`,
    createdAt: T0,
    lastUsedAt: null,
  });
  const session = (
    userId: string,
    label: string,
    method: SessionRecord['method'] = 'totp',
  ): SessionRecord => ({
    userId,
    sessionId: id(label),
    verifiedAt: T0,
    method,
  });
  /** A registration begun by the user's session `label`; answers its challenge. */
  const begin = async (userId: string, label: string, n = 0) => {
    const challenge = `${userId}-challenge-${label}-${n}`;
    await t.store.putWebAuthnChallenge({
      challenge,
      userId,
      sessionId: id(label),
      ceremony: 'registration',
      expiresAt: later(300_000 + n),
    });
    return challenge;
  };
  const finish = async (c: WebAuthnCredentialRecord, label: string, challenge: string) => {
    await t.store.webAuthnUserHandle(c.userId, `handle-${c.userId}`);
    return t.store.addWebAuthnCredential(c, {
      limit: 10,
      recoveryCodeHashes: t.codes(c.userId),
      session: session(c.userId, label, 'webauthn_registration'),
      challenge,
    });
  };
  const stillOpen = (userId: string, label: string, challenge: string) =>
    t.store.findWebAuthnChallenge(userId, id(label), challenge, 'registration');
  const withPasskey = async (userId: string) => {
    const challenge = await begin(userId, 'own');
    expect((await finish(credential(userId, 'own'), 'own', challenge)).added).toBe(true);
  };

  describe('ceremonies: a trust change discards the open ones', () => {
    const changes: [string, (userId: string) => Promise<unknown>][] = [
      ['an app activated', (u) => enroll(u)],
      ['a passkey added', (u) => withPasskey(u)],
      [
        'the app removed',
        async (u) => {
          await enroll(u);
          return t.store.deleteTotp(u);
        },
      ],
      [
        'a reset',
        async (u) => {
          await enroll(u);
          return t.store.resetMfa(u);
        },
      ],
      ['the recovery codes renewed', (u) => t.store.replaceRecoveryCodes(u, t.codes(u))],
      ['a session ended', (u) => t.store.endSession(u, id('own'))],
      [
        'a passkey removed',
        async (u) => {
          await enroll(u);
          await withPasskey(u);
          await begin(u, 'evil', 9);
          await t.store.putPendingTotp({ userId: u, secret: 'sealed-evil', expiresAt: later(600_000) });
          return t.store.deleteWebAuthnCredential(u, `${u}-cred-own`);
        },
      ],
    ];
    it.each(changes)(
      '%s: a registration and an app setup begun before it cannot finish after it',
      async (_, change) => {
        const ann = id('ann');
        const challenge = await begin(ann, 'evil', 9);
        await t.store.putPendingTotp({ userId: ann, secret: 'sealed-evil', expiresAt: later(600_000) });
        await change(ann);
        expect(await stillOpen(ann, 'evil', challenge)).toBeNull();
        expect((await t.store.getPendingTotp(ann))?.secret === 'sealed-evil').toBe(false);
        expect(await finish(credential(ann, 'evil'), 'evil', challenge)).toEqual({
          added: false,
          reason: 'ceremony_gone',
        });
        expect(
          (await t.store.listWebAuthnCredentials(ann)).some((c) => c.credentialId === `${ann}-cred-evil`),
        ).toBe(false);
      },
    );

    it("leaves other users' ceremonies open", async () => {
      const challenge = await begin(id('bob'), 'bob');
      await enroll(id('ann'));
      await t.store.resetMfa(id('ann'));
      expect(await stillOpen(id('bob'), 'bob', challenge)).not.toBeNull();
    });

    it('finishes a registration once: of concurrent finishes with one challenge, at most one adds', async () => {
      const ann = id('ann');
      const challenge = await begin(ann, 'own');
      const results = await times(6, (i) => finish(credential(ann, `race-${i}`), 'own', challenge));
      expect(results.filter((r) => r.added)).toHaveLength(1);
      expect(await t.store.listWebAuthnCredentials(ann)).toHaveLength(1);
    });

    it('takes the challenge only of the session that began it, for a registration', async () => {
      const ann = id('ann');
      const challenge = await begin(ann, 'own');
      expect(await finish(credential(ann, 'x'), 'other', challenge)).toEqual({
        added: false,
        reason: 'ceremony_gone',
      });
      expect(await stillOpen(ann, 'own', challenge)).not.toBeNull();
    });

    it(`keeps at most ${MAX_OPEN_CEREMONIES} open ceremonies a user, discarding the oldest`, async () => {
      const ann = id('ann');
      const begun: string[] = [];
      for (let n = 0; n < MAX_OPEN_CEREMONIES + 3; n++) begun.push(await begin(ann, 'evil', n));
      const open = await Promise.all(begun.map((c) => stillOpen(ann, 'evil', c)));
      expect(open.map((c) => c !== null)).toEqual(begun.map((_, n) => n >= 3));
    });
  });

  describe('removals: a required user keeps a factor, judged inside the write', () => {
    const both = async (userId: string) => {
      await enroll(userId, {}, t.codes(userId));
      await withPasskey(userId);
    };

    it('removes nothing when the factor left would not be one that must be kept', async () => {
      const ann = id('ann');
      await both(ann);
      expect(
        await t.store.deleteWebAuthnCredential(ann, `${ann}-cred-own`, undefined, undefined, ['webauthn']),
      ).toBe(false);
      expect(await t.store.deleteTotp(ann, undefined, undefined, ['webauthn'])).toBe(true);
      expect(await t.store.deleteWebAuthnCredential(ann, `${ann}-cred-own`, undefined, undefined, ANY)).toBe(
        false,
      );
      expect((await t.store.getEnrollments([ann])).get(ann)?.methods).toEqual(['webauthn']);
      // Nothing asked: the last factor may go.
      expect(await t.store.deleteWebAuthnCredential(ann, `${ann}-cred-own`)).toBe(true);
    });

    it('of an app and a passkey removed at once, each leaving the other, exactly one goes', async () => {
      const users = await times(4, async (i) => {
        const user = id(`both-${i}`);
        await both(user);
        return user;
      });
      for (const user of users) {
        const [app, key] = await Promise.all([
          t.store.deleteTotp(user, undefined, undefined, ANY),
          t.store.deleteWebAuthnCredential(user, `${user}-cred-own`, undefined, undefined, ANY),
        ]);
        expect(countTrue([app, key])).toBe(1);
        expect((await t.store.getEnrollments([user])).get(user)?.methods).toHaveLength(1);
        expect(await t.store.countRecoveryCodes(user)).toBe(10);
      }
    });

    it('of two passkeys removed at once, each leaving the other, exactly one goes', async () => {
      const ann = id('ann');
      await withPasskey(ann);
      const second = credential(ann, 'second');
      expect((await finish(second, 'own', await begin(ann, 'own', 2))).added).toBe(true);
      const results = await Promise.all([
        t.store.deleteWebAuthnCredential(ann, `${ann}-cred-own`, undefined, undefined, ['webauthn']),
        t.store.deleteWebAuthnCredential(ann, second.credentialId, undefined, undefined, ['webauthn']),
      ]);
      expect(countTrue(results)).toBe(1);
      expect(await t.store.listWebAuthnCredentials(ann)).toHaveLength(1);
    });
  });

  describe('remembered devices: written only while the session stands as verified', () => {
    const device = (userId: string, label: string): RememberedDeviceRecord => ({
      deviceId: id(`device-${label}`),
      userId,
      tokenHash: `k.${id(`hash-${label}`)}`,
      method: 'totp',
      label: 'Chrome on Linux',
      createdAt: T0,
      lastUsedAt: null,
      expiresAt: new Date(T0.getTime() + 14 * DAY),
    });

    it('writes the device while the session is verified as it was, and not once it ended or changed', async () => {
      const ann = id('ann');
      await enroll(ann);
      const evil = session(ann, 'evil');
      await t.store.markSessionVerified(evil);
      expect(await t.store.rememberDevice(device(ann, 'one'), undefined, evil)).toBe(true);
      expect(
        await t.store.rememberDevice(device(ann, 'two'), undefined, { ...evil, verifiedAt: later(1000) }),
      ).toBe(false);
      expect(
        await t.store.rememberDevice(device(ann, 'three'), undefined, { ...evil, method: 'webauthn' }),
      ).toBe(false);
      // Ann removes her app from her own session: the other sessions end, and with them the right.
      await t.store.markSessionVerified(session(ann, 'own'));
      await t.store.deleteTotp(ann, undefined, id('own'));
      expect(await t.store.rememberDevice(device(ann, 'four'), undefined, evil)).toBe(false);
      expect((await t.store.listRememberedDevices(ann)).map((d) => d.deviceId)).toEqual([]);
    });

    it('leaves no device behind when it races a trust change that ends the session', async () => {
      const users = await times(4, async (i) => {
        const user = id(`race-${i}`);
        await enroll(user);
        await t.store.markSessionVerified(session(user, `evil-${i}`));
        return user;
      });
      await Promise.all(
        users.map((user, i) =>
          Promise.all([
            t.store.rememberDevice(device(user, `race-${i}`), undefined, session(user, `evil-${i}`)),
            t.store.replaceRecoveryCodes(user, t.codes(user)),
          ]),
        ),
      );
      for (const user of users) {
        const sessionStands = (await t.store.getSession(user, id(`evil-${users.indexOf(user)}`))) !== null;
        const devices = await t.store.listRememberedDevices(user);
        // Renewing codes ends every session and forgets every device: none survives it.
        expect(sessionStands).toBe(false);
        expect(devices).toEqual([]);
      }
    });
  });
}
