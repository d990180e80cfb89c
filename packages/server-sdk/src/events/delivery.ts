/**
 * The delivery loop: the audit trail, written in the transaction of each change, is the
 * outbox, and this loop hands each event to each subscriber at least once, in order,
 * recording in the store how far each got. It runs beside requests, never in them: a write
 * wakes it, a timer polls (for what other instances wrote), and a host without a process of
 * its own (a Worker's cron) runs one pass with `mfa.deliverEvents()`.
 *
 * Several instances take turns by the store's lease on each subscriber: one delivers while
 * the others skip it; a lease that runs out (its instance died) passes to the next.
 */
import type { MfaContext } from '../core/context.ts';
import type { AuditEvent } from '../model.ts';
import type { DeliveryCursor } from '../store/store.ts';
import type { Subscriber } from './subscriber.ts';

/** Events read and handed over a pass, per subscriber, at most. */
const BATCH = 100;
/** How long a pass holds a subscriber's lease (renewed as it goes). */
const LEASE_MS = 30_000;
/** The wait after the first failure, doubled with each one after it, at most `MAX_WAIT_MS`. */
const FIRST_WAIT_MS = 1000;
const MAX_WAIT_MS = 10 * 60_000;
/** How often the loop looks for events other instances wrote. */
const POLL_MS = 1000;
/**
 * How long a gap in the ids may stay open before it is taken for an insert rolled back: a
 * transaction that took an id may commit after one that took a later id (PostgreSQL), and
 * its event must not be skipped meanwhile.
 */
const GAP_WAIT_MS = 15_000;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    (timer as { unref?: () => void }).unref?.();
  });

/** A subscriber's state, as `mfa.deliveryStatus()` reports it. */
export interface DeliveryStatus {
  subscriber: string;
  /** The last event it was given. */
  lastId: string | null;
  /** Events written after it, waiting for it. */
  backlog: number;
  /** Consecutive failures of the event it is stuck on. */
  failures: number;
  /** When it is tried again, after a failure. */
  retryAt: Date | null;
}

/** The wait after `failures` consecutive failures. */
export function retryWaitMs(failures: number): number {
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.min(20, failures - 1));
}

export class EventDelivery {
  /** This instance, as the leases name it (made on first use: a Worker makes no random value at start-up). */
  private ownerId: string | undefined;
  private get owner(): string {
    this.ownerId ??= `instance-${crypto.randomUUID()}`;
    return this.ownerId;
  }
  /** The passes of this instance, one after another (two at once would lease as one owner). */
  private queue: Promise<void> = Promise.resolve();
  private scheduled = false;
  /** The pass asked for and not begun yet, which later askers join. */
  private waiting: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Gaps in the ids seen open, with when they were first seen (wall clock). */
  private readonly gaps = new Map<string, number>();
  private registered: Promise<void> | null = null;

  constructor(
    private readonly ctx: MfaContext,
    private readonly subscribers: readonly Subscriber[],
  ) {}

  /**
   * Starts polling (unref'd: it never keeps a process alive by itself). Where timers are
   * refused outside a request (a Worker's global scope), passes run when writes wake them
   * and when the host calls `deliverEvents()`.
   */
  start(): void {
    if (this.subscribers.length === 0 || this.timer !== undefined) return;
    try {
      this.timer = setInterval(() => this.wake(), POLL_MS);
      (this.timer as { unref?: () => void }).unref?.();
    } catch {
      this.timer = undefined;
    }
  }

  /** Stops polling, and waits for a running pass (at most one delivery's time limit). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.race([this.queue, sleep(this.timeLimitMs())]);
  }

  /** How long one delivery may take before it counts as failed: the deadline, at least 10 s. */
  private timeLimitMs(): number {
    return Math.max(this.ctx.options.timeoutMs ?? 5000, 10_000);
  }

  /** `subscriber.deliver(event)`, failed when it takes longer than the time limit (a hung receiver). */
  private async within(subscriber: Subscriber, event: AuditEvent): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.timeLimitMs()} ms`)),
        this.timeLimitMs(),
      );
      (timer as { unref?: () => void }).unref?.();
    });
    try {
      await Promise.race([subscriber.deliver(event), limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A write happened: a pass runs soon, after the request (at most one waiting at a time). */
  wake(): void {
    if (this.subscribers.length === 0 || this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      void this.pass().catch(() => {});
    }, 0);
  }

  /** Every subscriber's cursor, made once per instance (after the newest event at the time). */
  private register(): Promise<void> {
    this.registered ??= (async () => {
      for (const subscriber of this.subscribers) await this.ctx.store.registerSubscriber(subscriber.name);
    })().catch((error: unknown) => {
      this.registered = null;
      throw error;
    });
    return this.registered;
  }

  /** Makes sure every subscriber has its cursor before the first write it should see. */
  ready(): Promise<void> {
    return this.subscribers.length === 0 ? Promise.resolve() : this.register();
  }

  /**
   * One pass, after any running one: each subscriber whose lease this instance gets is given
   * what waits for it. Rejects when the store fails (the next pass tries again).
   */
  pass(): Promise<void> {
    // Asked again before the waiting pass began: that one will see the same events.
    if (this.waiting) return this.waiting;
    const pass = this.queue.then(async () => {
      this.waiting = null;
      await this.register();
      // Read first, lease only what has work: an idle poll writes nothing to the store.
      const cursors = new Map((await this.ctx.store.listDeliveries()).map((c) => [c.subscriber, c]));
      for (const subscriber of this.subscribers) {
        if (await this.hasWork(cursors.get(subscriber.name))) await this.deliverTo(subscriber);
      }
    });
    this.waiting = pass;
    this.queue = pass.catch(() => {});
    return pass;
  }

  /** Whether the cursor, as read, has an event after it and no wait before its next try. */
  private async hasWork(cursor: DeliveryCursor | undefined): Promise<boolean> {
    if (!cursor) return true;
    if (cursor.retryAt && cursor.retryAt.getTime() > this.ctx.now().getTime()) return false;
    return (await this.ctx.store.listEventsAfter(cursor.lastId, 1)).length > 0;
  }

  private async deliverTo(subscriber: Subscriber): Promise<void> {
    const now = this.ctx.now();
    const cursor = await this.ctx.store.leaseDelivery(
      subscriber.name,
      this.owner,
      now,
      new Date(now.getTime() + LEASE_MS),
    );
    if (!cursor) return;
    let { lastId, failures } = cursor;
    let retryAt = cursor.retryAt;
    try {
      if (retryAt && retryAt.getTime() > now.getTime()) return;
      for (;;) {
        const events = this.untilGap(lastId, await this.ctx.store.listEventsAfter(lastId, BATCH));
        if (events.length === 0) break;
        for (const event of events) {
          try {
            if (subscriber.wants?.(event) ?? true) await this.within(subscriber, event);
          } catch (error) {
            failures++;
            retryAt = new Date(this.ctx.now().getTime() + retryWaitMs(failures));
            this.report(subscriber, event, error);
            return;
          }
          lastId = event.id;
          failures = 0;
          retryAt = null;
        }
        // Progress kept as it goes: an instance that dies mid-batch repeats at most one batch.
        await this.record(subscriber, { lastId, failures, retryAt }, false);
        if (events.length < BATCH) break;
      }
    } finally {
      await this.record(subscriber, { lastId, failures, retryAt }, true).catch(() => {});
    }
  }

  /** The events up to the first gap in their ids still open for less than `GAP_WAIT_MS`. */
  private untilGap(lastId: string | null, events: AuditEvent[]): AuditEvent[] {
    let expected = lastId === null ? null : Number(lastId) + 1;
    for (const [i, event] of events.entries()) {
      const id = Number(event.id);
      if (expected !== null && id !== expected) {
        const key = `${expected}-${id}`;
        const seen = this.gaps.get(key) ?? Date.now();
        this.gaps.set(key, seen);
        if (Date.now() - seen < GAP_WAIT_MS) return events.slice(0, i);
        this.gaps.delete(key);
      }
      expected = id + 1;
    }
    return events;
  }

  private record(
    subscriber: Subscriber,
    at: Omit<DeliveryCursor, 'subscriber' | 'leaseOwner' | 'leaseUntil'>,
    release: boolean,
  ) {
    return this.ctx.store.recordDelivery(subscriber.name, this.owner, { ...at, release });
  }

  private report(subscriber: Subscriber, event: AuditEvent, error: unknown): void {
    const operation = `deliver event ${event.id} to ${subscriber.name}`;
    try {
      if (this.ctx.options.onError) this.ctx.options.onError(error, { operation });
      else console.error(`mfakit: ${operation} failed, trying again later:`, error);
    } catch {}
  }

  /** Each subscriber's progress and backlog. */
  async status(): Promise<DeliveryStatus[]> {
    await this.register();
    const names = new Set(this.subscribers.map((s) => s.name));
    const cursors = (await this.ctx.store.listDeliveries()).filter((c) => names.has(c.subscriber));
    return Promise.all(
      cursors.map(async (c) => ({
        subscriber: c.subscriber,
        lastId: c.lastId,
        backlog: await this.ctx.store.countEventsAfter(c.lastId),
        failures: c.failures,
        retryAt: c.retryAt,
      })),
    );
  }
}
