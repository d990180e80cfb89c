import type { AuditEvent } from '../model.ts';

/**
 * One receiver of the audit trail's events (the host's `onEvent`, a webhook, the security
 * notifications): the delivery loop (`events/delivery.ts`) hands it every event after its
 * progress, oldest first, at least once, and records how far it got in the store under
 * its `name`. A delivery that throws is tried again later (with growing waits), from the
 * same event: a subscriber sees events in order, and may see one again (dedupe on `id`).
 */
export interface Subscriber {
  /** Stable across restarts and instances: its progress is kept under it (`onEvent`, `webhook:<url>`, `notify`). */
  readonly name: string;
  /** Whether it wants `event` at all (every event when absent); one it does not want counts as delivered. */
  wants?(event: AuditEvent): boolean;
  /** Delivers one event; throws (or rejects) to have it tried again later. */
  deliver(event: AuditEvent): Promise<void>;
}
