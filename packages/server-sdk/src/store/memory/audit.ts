import type { AuditEvent, AuditEventInput } from '../../model.ts';
import type { AuditStore } from '../audit-store.ts';
import type { AuditQuery } from '../store.ts';
import type { MemoryState } from './state.ts';

/** The audit trail. In memory: each method runs to completion without an `await` between its read and its write. */
export function auditMethods(mem: MemoryState): AuditStore {
  return {
    async appendAudit(input: AuditEventInput) {
      return mem.append([input])[0] as AuditEvent;
    },
    async listAudit({ accountId, userIds, beforeId, limit }: AuditQuery) {
      const users = new Set(userIds);
      const before = beforeId === undefined ? Number.POSITIVE_INFINITY : Number(beforeId);
      const result: AuditEvent[] = [];
      for (let i = mem.audit.length - 1; i >= 0 && result.length < limit; i--) {
        const event = mem.audit[i] as AuditEvent;
        if (Number(event.id) >= before) continue;
        const belongs =
          event.accountId === accountId ||
          (event.accountId === null && event.userId !== null && users.has(event.userId));
        if (belongs) result.push({ ...event });
      }
      return result;
    },
  };
}
