import type { AuditEvent, AuditEventInput } from '../model.ts';
import type { AuditWrite } from '../store/store.ts';
import type { MfaContext } from './context.ts';

export type AuditEventDraft = Omit<AuditEventInput, 'at'>;

/**
 * Audit events for a store call to append with its change (`AuditWrite`), and
 * `publish`, which wakes the delivery loop for the stored ones once the call returned.
 * `event` may be a function of the call's result (a reset says whether MFA existed).
 */
function auditWrite(
  ctx: MfaContext,
  event: AuditEventDraft | ((result: unknown) => AuditEventDraft),
): AuditWrite & { publish(): Promise<void> } {
  const at = ctx.now();
  let stored: AuditEvent[] = [];
  return {
    events: (result: unknown) => [{ ...(typeof event === 'function' ? event(result) : event), at }],
    stored: (appended) => {
      stored = appended;
    },
    publish: () => publishEvents(ctx, stored),
  };
}

/**
 * The one way a capability makes a change with its audit event: the store call is given the
 * event to append in its own transaction (`AuditWrite`); a change to a user's MFA (`user`)
 * goes through the caches, so this instance sees it at once; and the stored event is handed
 * to the delivery loop once the call has returned (nothing, when the store changed nothing). `event`
 * may be a function of the call's result. Answers the call's result.
 *
 * @example
 * const removed = await recordedChange(ctx, (audit) => ctx.store.deleteTotp(userId, audit),
 *   { type: 'mfa.removed', … }, { user: userId });
 */
export async function recordedChange<T>(
  ctx: MfaContext,
  change: (audit: AuditWrite) => Promise<T>,
  event: AuditEventDraft | ((result: NoInfer<T>) => AuditEventDraft),
  { user }: { user?: string } = {},
): Promise<T> {
  const audit = auditWrite(ctx, event as AuditEventDraft | ((result: unknown) => AuditEventDraft));
  const result =
    user === undefined ? await change(audit) : await ctx.cache.changeUser(user, () => change(audit));
  await audit.publish();
  return result;
}

/**
 * Stored events are for the delivery loop (events/delivery.ts), which hands them to `onEvent`
 * and the other subscribers beside the request: this wakes it.
 */
export async function publishEvents(ctx: MfaContext, events: readonly AuditEvent[]): Promise<void> {
  if (events.length > 0) ctx.eventsStored();
}
