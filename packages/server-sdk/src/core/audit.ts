import type { AuditEvent, AuditEventInput } from '../model.ts';
import type { AuditWrite } from '../store/store.ts';
import type { MfaContext } from './context.ts';

export type AuditEventDraft = Omit<AuditEventInput, 'at'>;

/**
 * Audit events for a store call to append with its change (`AuditWrite`), and
 * `publish`, which hands the stored ones to `onEvent` once the call returned.
 * `event` may be a function of the call's result (a reset says whether MFA existed).
 */
export function auditWrite(
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
