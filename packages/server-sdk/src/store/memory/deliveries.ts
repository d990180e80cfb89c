import type { DeliveryCursor, DeliveryStore } from '../delivery-store.ts';
import type { MemoryState } from './state.ts';

/** The audit trail as an outbox. In memory: each method runs to completion without an `await` between its read and its write. */
export function deliveriesMethods(mem: MemoryState): DeliveryStore {
  const cursors = new Map<string, DeliveryCursor>();
  const after = (afterId: string | null) => (afterId === null ? 0 : Number(afterId));
  return {
    async registerSubscriber(subscriber) {
      if (cursors.has(subscriber)) return;
      const newest = mem.audit.at(-1)?.id ?? null;
      cursors.set(subscriber, {
        subscriber,
        lastId: newest,
        failures: 0,
        retryAt: null,
        leaseOwner: null,
        leaseUntil: null,
      });
    },
    async leaseDelivery(subscriber, owner, now, until) {
      const cursor = cursors.get(subscriber);
      if (!cursor) return null;
      const held =
        cursor.leaseOwner !== null &&
        cursor.leaseOwner !== owner &&
        (cursor.leaseUntil?.getTime() ?? 0) > now.getTime();
      if (held) return null;
      cursor.leaseOwner = owner;
      cursor.leaseUntil = until;
      return { ...cursor };
    },
    async recordDelivery(subscriber, owner, progress) {
      const cursor = cursors.get(subscriber);
      if (!cursor || cursor.leaseOwner !== owner) return false;
      cursor.lastId = progress.lastId;
      cursor.failures = progress.failures;
      cursor.retryAt = progress.retryAt;
      if (progress.release) {
        cursor.leaseOwner = null;
        cursor.leaseUntil = null;
      }
      return true;
    },
    async listDeliveries() {
      return [...cursors.values()].map((cursor) => ({ ...cursor }));
    },
    async listEventsAfter(afterId, limit) {
      // Ids are the trail's positions, from 1.
      return mem.audit.slice(after(afterId), after(afterId) + limit).map((event) => ({ ...event }));
    },
    async countEventsAfter(afterId) {
      return Math.max(0, mem.audit.length - after(afterId));
    },
  };
}
