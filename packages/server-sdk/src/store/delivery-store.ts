import type { AuditEvent } from '../model.ts';

/** A subscriber's progress through the audit trail, and who delivers to it now. */
export interface DeliveryCursor {
  subscriber: string;
  /** The id of the last event it was given (`null`: none yet, from the start of the trail). */
  lastId: string | null;
  /** Consecutive failed deliveries of the event after `lastId`. */
  failures: number;
  /** Not before then is it tried again (`null`: now). */
  retryAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
}

/** What a delivery pass records: how far it got, and whether it lets the lease go. */
export interface DeliveryProgress {
  lastId: string | null;
  failures: number;
  retryAt: Date | null;
  release: boolean;
}

/**
 * The audit trail as an outbox: each subscriber's cursor, and the lease that lets one
 * instance at a time deliver to it.
 *
 * Atomic guarantees: `registerSubscriber` starts a new subscriber after the newest event
 * there is, once (of concurrent callers, the first one's start stays; a known subscriber
 * keeps its cursor); `leaseDelivery` gives the lease to one of any number of concurrent
 * callers while it is held, and to whoever asks once it has run out; `recordDelivery`
 * writes only while the caller still holds the lease. Event ids grow in the order the
 * events were appended (`listEventsAfter` answers them in that order). Conformance:
 * testing/deliveries.ts.
 */
export interface DeliveryStore {
  /** Makes the subscriber's cursor, after the newest event now, unless it has one. */
  registerSubscriber(subscriber: string): Promise<void>;
  /**
   * Takes the subscriber's lease for `owner` until `until`, when no one else holds it at
   * `now` (an owner may take its own again): its cursor, or `null` (held by another, or unknown).
   */
  leaseDelivery(subscriber: string, owner: string, now: Date, until: Date): Promise<DeliveryCursor | null>;
  /** Records `progress` while `owner` holds the lease; true when it wrote. */
  recordDelivery(subscriber: string, owner: string, progress: DeliveryProgress): Promise<boolean>;
  /** Every subscriber's cursor. */
  listDeliveries(): Promise<DeliveryCursor[]>;
  /** The events after `afterId` (`null`: from the first), oldest first, at most `limit`. */
  listEventsAfter(afterId: string | null, limit: number): Promise<AuditEvent[]>;
  /** How many events there are after `afterId` (`null`: all). */
  countEventsAfter(afterId: string | null): Promise<number>;
}
