/** The store conformance suite: remembered devices, and the trust changes that forget them. */
import { describe, expect, it } from 'vitest';
import type { AuditEventInput, RememberedDeviceRecord } from '../model.ts';
import type { AuditWrite } from '../store/store.ts';
import { type ConformanceContext, later, T0 } from './context.ts';

const DAY = 86_400_000;

export function devicesConformance(t: ConformanceContext): void {
  const { id, enroll } = t;
  const device = (user: string, label: string, overrides: Partial<RememberedDeviceRecord> = {}) => ({
    deviceId: id(`device-${label}`),
    userId: id(user),
    tokenHash: `k.${id(`hash-${label}`)}`,
    method: 'totp' as const,
    label: 'Chrome on macOS',
    createdAt: T0,
    lastUsedAt: null,
    expiresAt: later(30 * DAY),
    ...overrides,
  });
  const audited = () => {
    const stored: unknown[] = [];
    const event: AuditEventInput = {
      type: 'device.forgotten',
      actorId: id('ada'),
      userId: id('ada'),
      accountId: null,
      before: null,
      after: null,
      at: T0,
    };
    const write: AuditWrite = { events: [event], stored: (events) => stored.push(...events) };
    return { write, stored };
  };

  describe('remembered devices', () => {
    it("remembers a device and finds it by its token's hash, for its user only", async () => {
      const laptop = device('ada', 'laptop');
      await t.store.rememberDevice(laptop);
      expect(await t.store.findRememberedDevice(id('ada'), [laptop.tokenHash])).toEqual(laptop);
      // Under any of the hashes given (one per configured key), whichever matches.
      expect(await t.store.findRememberedDevice(id('ada'), ['other.x', laptop.tokenHash])).toEqual(laptop);
      // Another user presenting the same token finds nothing.
      expect(await t.store.findRememberedDevice(id('max'), [laptop.tokenHash])).toBeNull();
      expect(await t.store.findRememberedDevice(id('ada'), [`${laptop.tokenHash}x`])).toBeNull();
      expect(await t.store.findRememberedDevice(id('ada'), [])).toBeNull();
    });

    it("lists a user's devices oldest first, and no one else's", async () => {
      await t.store.rememberDevice(device('ada', 'phone', { createdAt: later(2000) }));
      await t.store.rememberDevice(device('ada', 'laptop', { createdAt: later(1000) }));
      await t.store.rememberDevice(device('max', 'desk'));
      const listed = await t.store.listRememberedDevices(id('ada'));
      expect(listed.map((d) => d.deviceId)).toEqual([id('device-laptop'), id('device-phone')]);
      expect(await t.store.listRememberedDevices(id('nobody'))).toEqual([]);
    });

    it('appends the audit events of rememberDevice with it', async () => {
      const { write, stored } = audited();
      await t.store.rememberDevice(device('ada', 'laptop'), write);
      expect(stored).toHaveLength(1);
      const events = await t.store.listAudit({ accountId: id('none'), userIds: [id('ada')], limit: 10 });
      expect(events.map((e) => e.type)).toEqual(['device.forgotten']);
    });

    it("useRememberedDevice marks the session and sets the device's last use, only while the user has it", async () => {
      const laptop = device('ada', 'laptop');
      await t.store.rememberDevice(laptop);
      const session = {
        sessionId: id('s1'),
        userId: id('ada'),
        verifiedAt: later(5000),
        method: 'remembered_device' as const,
      };
      expect(await t.store.useRememberedDevice(id('ada'), laptop.deviceId, session, 'k2.rehashed')).toBe(
        true,
      );
      expect(await t.store.getSession(id('ada'), id('s1'))).toEqual(session);
      const used = await t.store.findRememberedDevice(id('ada'), ['k2.rehashed']);
      expect(used).toMatchObject({ deviceId: laptop.deviceId, lastUsedAt: later(5000) });
      // The old hash is gone with the rehash.
      expect(await t.store.findRememberedDevice(id('ada'), [laptop.tokenHash])).toBeNull();
      // Another user's device, or one forgotten: nothing marked.
      const other = { ...session, userId: id('max'), sessionId: id('s2') };
      expect(await t.store.useRememberedDevice(id('max'), laptop.deviceId, other)).toBe(false);
      expect(await t.store.getSession(id('max'), id('s2'))).toBeNull();
      await t.store.forgetRememberedDevices(id('ada'), null);
      const later3 = { ...session, sessionId: id('s3') };
      expect(await t.store.useRememberedDevice(id('ada'), laptop.deviceId, later3)).toBe(false);
      expect(await t.store.getSession(id('ada'), id('s3'))).toBeNull();
    });

    it("forgets one device or all of a user's, never another user's, audited only when some went", async () => {
      await t.store.rememberDevice(device('ada', 'laptop'));
      await t.store.rememberDevice(device('ada', 'phone'));
      await t.store.rememberDevice(device('max', 'desk'));
      const none = audited();
      expect(await t.store.forgetRememberedDevices(id('max'), id('device-laptop'), none.write)).toBe(0);
      expect(none.stored).toEqual([]);
      const one = audited();
      expect(await t.store.forgetRememberedDevices(id('ada'), id('device-laptop'), one.write)).toBe(1);
      expect(one.stored).toHaveLength(1);
      expect((await t.store.listRememberedDevices(id('ada'))).map((d) => d.deviceId)).toEqual([
        id('device-phone'),
      ]);
      expect(await t.store.forgetRememberedDevices(id('ada'), null)).toBe(1);
      expect(await t.store.listRememberedDevices(id('ada'))).toEqual([]);
      expect(await t.store.listRememberedDevices(id('max'))).toHaveLength(1);
    });

    it('pruneExpired removes devices past their expiry and keeps the others', async () => {
      const OLD = new Date('2001-01-01T00:00:00Z');
      await t.store.rememberDevice(device('ada', 'gone', { createdAt: OLD, expiresAt: later(1000, OLD) }));
      await t.store.rememberDevice(device('ada', 'kept'));
      await t.store.pruneExpired({
        now: later(10_000, OLD),
        sessionsBefore: OLD,
        attemptsBefore: OLD,
        keepFailures: 100,
        limit: 100,
      });
      expect((await t.store.listRememberedDevices(id('ada'))).map((d) => d.deviceId)).toEqual([
        id('device-kept'),
      ]);
    });
  });

  describe('trust changes forget remembered devices', () => {
    /** ada and max each remember one device; the change is ada's. */
    const both = async () => {
      await t.store.rememberDevice(device('ada', 'laptop'));
      await t.store.rememberDevice(device('max', 'desk'));
    };
    const left = async () => [
      (await t.store.listRememberedDevices(id('ada'))).length,
      (await t.store.listRememberedDevices(id('max'))).length,
    ];
    const session = { sessionId: id('s'), userId: id('ada'), verifiedAt: T0, method: 'totp' as const };
    const credential = (credentialId: string) => ({
      userId: id('ada'),
      credentialId: id(credentialId),
      publicKey: 'pk',
      counter: 0,
      transports: [],
      backedUp: false,
      name: 'Key',
      createdAt: T0,
      lastUsedAt: null,
    });

    it('activateTotp (an app replaced)', async () => {
      await enroll(id('ada'), { secret: 'old' });
      await both();
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
      expect(await t.store.activateTotp(t.factor(id('ada'), { secret: 'new' }), 'new', [])).toBe(true);
      expect(await left()).toEqual([0, 1]);
    });

    it('deleteTotp', async () => {
      await enroll(id('ada'));
      await both();
      expect(await t.store.deleteTotp(id('ada'), undefined, id('s'))).toBe(true);
      expect(await left()).toEqual([0, 1]);
    });

    it('resetMfa (a reset)', async () => {
      await enroll(id('ada'));
      await both();
      await t.store.resetMfa(id('ada'));
      expect(await left()).toEqual([0, 1]);
    });

    it('replaceRecoveryCodes', async () => {
      await enroll(id('ada'));
      await both();
      await t.store.replaceRecoveryCodes(id('ada'), ['h'], undefined, id('s'));
      expect(await left()).toEqual([0, 1]);
    });

    it('deleteWebAuthnCredential, but not addWebAuthnCredential (adding is no loss of trust)', async () => {
      await t.store.webAuthnUserHandle(id('ada'), id('handle'));
      await both();
      const options = { limit: 10, recoveryCodeHashes: [], session };
      expect(await t.store.addWebAuthnCredential(credential('k1'), options)).toMatchObject({ added: true });
      expect(await left()).toEqual([1, 1]);
      await t.store.addWebAuthnCredential(credential('k2'), options);
      expect(await left()).toEqual([1, 1]);
      expect(await t.store.deleteWebAuthnCredential(id('ada'), id('k1'), undefined, id('s'))).toBe(true);
      expect(await left()).toEqual([0, 1]);
    });

    it('not activateTotp of a first app (a factor added)', async () => {
      await both();
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'first', expiresAt: later(1000) });
      expect(await t.store.activateTotp(t.factor(id('ada'), { secret: 'first' }), 'first', [])).toBe(true);
      expect(await left()).toEqual([1, 1]);
    });

    it('a change that changes nothing forgets nothing (deleteTotp without an app)', async () => {
      await both();
      expect(await t.store.deleteTotp(id('ada'))).toBe(false);
      expect(await left()).toEqual([1, 1]);
    });
  });
}
