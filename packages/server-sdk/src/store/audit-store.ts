import type { AuditEvent, AuditEventInput } from '../model.ts';

/**
 * Audit events to append in the same transaction as the change they record, so
 * that a failure cannot keep one without the other. They are appended only when
 * the change is made (a `putPolicy` or `activateTotp` that returns false appends
 * nothing); `stored` then receives them with their ids.
 */
export interface AuditWrite {
  /** The events, or a function of the method's result that gives them (a reset says whether MFA existed). */
  events: readonly AuditEventInput[] | ((result: unknown) => readonly AuditEventInput[]);
  stored(events: AuditEvent[]): void;
}

/** The events of an `AuditWrite` for the result of its change. */
export function auditEvents(write: AuditWrite | undefined, result: unknown): readonly AuditEventInput[] {
  if (!write) return [];
  return typeof write.events === 'function' ? write.events(result) : write.events;
}

export interface AuditQuery {
  accountId: string;
  /** Users whose own MFA events (those with no account) belong to the answer. */
  userIds: string[];
  /** Only events older than this id (the cursor). */
  beforeId?: string;
  limit: number;
}

/**
 * The audit trail. Every other capability's writes append their events through an
 * `AuditWrite`, in the transaction of their change. Conformance: testing/audit.ts.
 */
export interface AuditStore {
  appendAudit(event: AuditEventInput): Promise<AuditEvent>;
  /** Newest first: the account's events and the listed users' own (account-less) events. */
  listAudit(query: AuditQuery): Promise<AuditEvent[]>;
}
