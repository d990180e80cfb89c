import type { GraceRecord } from '../../model.ts';
import type { GraceStore } from '../grace-store.ts';
import type { MemoryState } from './state.ts';

/** Grace periods and the facts version. In memory: each method runs to completion without an `await` between its read and its write. */
export function graceMethods(mem: MemoryState): GraceStore {
  return {
    async startGrace(accountId, userId, at) {
      const key = mem.graceKey(accountId, userId);
      const existing = mem.grace.get(key);
      if (existing) return { ...existing };
      mem.grace.set(key, { startedAt: at, forfeitedAt: null });
      mem.facts++;
      return { startedAt: at, forfeitedAt: null };
    },
    async getGraceStarts(accountId, userIds) {
      const starts = new Map<string, GraceRecord>();
      for (const userId of userIds) {
        const record = mem.grace.get(mem.graceKey(accountId, userId));
        if (record) starts.set(userId, { ...record });
      }
      return starts;
    },
    async factsVersion() {
      return String(mem.facts);
    },
    async forfeitGrace(userId, accountIds, at) {
      for (const accountId of accountIds) {
        const key = mem.graceKey(accountId, userId);
        const existing = mem.grace.get(key);
        if (!existing) mem.grace.set(key, { startedAt: at, forfeitedAt: at });
        else if (existing.forfeitedAt === null || existing.forfeitedAt > at) existing.forfeitedAt = at;
        else continue;
        mem.facts++;
      }
    },
  };
}
