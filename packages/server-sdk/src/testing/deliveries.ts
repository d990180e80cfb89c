/** The store conformance suite: the audit trail as an outbox (cursors and leases). */
import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../model.ts';
import { type ConformanceContext, countTrue, T0, times } from './context.ts';

export function deliveriesConformance(t: ConformanceContext): void {
  const { id } = t;
  const later = (ms: number) => new Date(T0.getTime() + ms);
  const event = (n: number): AuditEventInput => ({
    type: 'device.forgotten',
    actorId: id('ada'),
    userId: id('ada'),
    accountId: null,
    before: null,
    after: { n },
    at: T0,
  });
  /** The events after `afterId` that this test appended (another test's may be there too). */
  const ours = async (afterId: string | null) =>
    (await t.store.listEventsAfter(afterId, 10_000)).filter((e) => e.userId === id('ada'));

  describe('deliveries', () => {
    it('starts a subscriber after the newest event, once, and lists what came after in order', async () => {
      await t.store.appendAudit(event(0));
      await t.store.registerSubscriber(id('sub'));
      const [cursor] = (await t.store.listDeliveries()).filter((c) => c.subscriber === id('sub'));
      expect(cursor).toMatchObject({ failures: 0, retryAt: null, leaseOwner: null });
      expect(await ours(cursor?.lastId ?? null)).toEqual([]);
      const appended = [];
      for (let n = 1; n <= 3; n++) appended.push(await t.store.appendAudit(event(n)));
      // Registered again (another instance starting): the cursor stays where it was.
      await t.store.registerSubscriber(id('sub'));
      const again = (await t.store.listDeliveries()).find((c) => c.subscriber === id('sub'));
      expect(again?.lastId).toBe(cursor?.lastId);
      expect(await ours(again?.lastId ?? null)).toEqual(appended);
      expect(await t.store.countEventsAfter(again?.lastId ?? null)).toBeGreaterThanOrEqual(3);
      expect(await ours(appended[0]?.id ?? null)).toEqual(appended.slice(1));
    });

    it('gives the lease to one of concurrent callers, to its owner again, and to others once it ran out', async () => {
      await t.store.registerSubscriber(id('sub'));
      const leases = await times(10, (i) =>
        t.store.leaseDelivery(id('sub'), `owner-${i}`, T0, later(30_000)),
      );
      expect(countTrue(leases.map((lease) => lease !== null))).toBe(1);
      const winner = leases.findIndex((lease) => lease !== null);
      expect(leases[winner]?.leaseOwner).toBe(`owner-${winner}`);
      expect(await t.store.leaseDelivery(id('sub'), 'other', later(29_999), later(60_000))).toBeNull();
      expect(
        await t.store.leaseDelivery(id('sub'), `owner-${winner}`, later(1000), later(40_000)),
      ).not.toBeNull();
      expect(await t.store.leaseDelivery(id('sub'), 'other', later(40_000), later(70_000))).toMatchObject({
        leaseOwner: 'other',
      });
      expect(await t.store.leaseDelivery(id('unknown'), 'other', T0, later(1))).toBeNull();
    });

    it('records progress only while the lease is held, and lets it go when asked', async () => {
      await t.store.registerSubscriber(id('sub'));
      const first = await t.store.appendAudit(event(1));
      const lease = await t.store.leaseDelivery(id('sub'), 'a', T0, later(30_000));
      expect(lease).not.toBeNull();
      const progress = { lastId: first.id, failures: 2, retryAt: later(5000), release: false };
      expect(await t.store.recordDelivery(id('sub'), 'b', progress)).toBe(false);
      expect(await t.store.recordDelivery(id('sub'), 'a', progress)).toBe(true);
      let cursor = (await t.store.listDeliveries()).find((c) => c.subscriber === id('sub'));
      expect(cursor).toMatchObject({ lastId: first.id, failures: 2, retryAt: later(5000), leaseOwner: 'a' });
      expect(
        await t.store.recordDelivery(id('sub'), 'a', {
          ...progress,
          failures: 0,
          retryAt: null,
          release: true,
        }),
      ).toBe(true);
      cursor = (await t.store.listDeliveries()).find((c) => c.subscriber === id('sub'));
      expect(cursor).toMatchObject({
        lastId: first.id,
        failures: 0,
        retryAt: null,
        leaseOwner: null,
        leaseUntil: null,
      });
      expect(await t.store.leaseDelivery(id('sub'), 'b', T0, later(30_000))).toMatchObject({
        leaseOwner: 'b',
      });
    });
  });
}
