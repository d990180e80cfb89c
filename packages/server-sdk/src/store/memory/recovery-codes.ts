import type { RecoveryCodeStore } from '../recovery-code-store.ts';
import { trustChanges } from '../trust-changes.ts';
import type { MemoryState } from './state.ts';

/** Recovery codes, as keyed hashes. In memory: each method runs to completion without an `await` between its read and its write. */
export function recoveryCodesMethods(mem: MemoryState): RecoveryCodeStore {
  return {
    async replaceRecoveryCodes(userId, hashes, write, keepSessionId) {
      mem.applyTrustChange(userId, trustChanges.codesRenewed, { recoveryCodeHashes: hashes, keepSessionId });
      mem.recordWith(write);
    },
    async recoveryCodeKeys(userId) {
      const unused = mem.recoveryCodes.get(userId)?.filter((c) => c.usedAt === null) ?? [];
      return [...new Set(unused.map((c) => c.hash.split('.')[0] as string))];
    },
    async countRecoveryCodeUsersByKey() {
      const counts = new Map<string, number>();
      for (const codes of mem.recoveryCodes.values()) {
        const keys = new Set(
          codes.filter((c) => c.usedAt === null).map((c) => c.hash.split('.')[0] as string),
        );
        for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    async countRecoveryCodes(userId) {
      return mem.recoveryCodes.get(userId)?.filter((c) => c.usedAt === null).length ?? 0;
    },
  };
}
