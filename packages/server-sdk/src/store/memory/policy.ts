import type { PolicyStore } from '../policy-store.ts';
import type { MemoryState } from './state.ts';

/** Accounts' policies: a version-checked write. In memory: each method runs to completion without an `await` between its read and its write. */
export function policyMethods(mem: MemoryState): PolicyStore {
  return {
    async getPolicy(accountId) {
      const policy = mem.policies.get(accountId);
      return policy ? { ...policy } : null;
    },
    async putPolicy(policy, expectedVersion, write) {
      const current = mem.policies.get(policy.accountId)?.version ?? 0;
      if (current !== expectedVersion) return false;
      mem.policies.set(policy.accountId, { ...policy });
      mem.recordWith(write, true);
      return true;
    },
  };
}
