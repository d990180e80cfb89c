import type { AuditEvent, AuditEventInput } from '../model.ts';
import type { AuditWrite } from '../store/store.ts';
import type { MfaContext } from './context.ts';

export type AuditEventDraft = Omit<AuditEventInput, 'at'>;

/**
 * Audit events for a store call to append with its change (`AuditWrite`), and
 * `publish`, which hands the stored ones to `onEvent` once the call returned.
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
 * to `onEvent` once the call has returned (nothing, when the store changed nothing). `event`
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

/** Hands stored events to the host's `onEvent`; its failures are logged, never the caller's. */
export async function publishEvents(ctx: MfaContext, events: readonly AuditEvent[]): Promise<void> {
  for (const event of events) {
    try {
      await ctx.options.onEvent?.(event);
    } catch (error) {
      console.error('mfakit: onEvent threw', error);
    }
  }
}
