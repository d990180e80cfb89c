import type { Enrollment } from '../../model.ts';
import type { FactorStore } from '../factor-store.ts';
import { trustChanges } from '../trust-changes.ts';
import type { MemoryState } from './state.ts';

/** A user's factors as a whole: which ones each user holds, and a reset. In memory: each method runs to completion without an `await` between its read and its write. */
export function factorsMethods(mem: MemoryState): FactorStore {
  return {
    async getEnrollments(userIds) {
      const enrolled = new Map<string, Enrollment>();
      const wanted = new Set(userIds);
      for (const id of wanted) {
        const factor = mem.factors.get(id);
        if (factor) enrolled.set(id, { methods: ['totp'], since: factor.createdAt });
      }
      for (const c of mem.credentials.values()) {
        if (!wanted.has(c.userId)) continue;
        const known = enrolled.get(c.userId);
        if (!known) enrolled.set(c.userId, { methods: ['webauthn'], since: c.createdAt });
        else {
          if (!known.methods.includes('webauthn')) known.methods.push('webauthn');
          if (c.createdAt < known.since) known.since = c.createdAt;
        }
      }
      return enrolled;
    },
    async resetMfa(userId, write) {
      let existed = mem.factors.delete(userId);
      for (const c of mem.credentialsOf(userId)) existed = mem.credentials.delete(c.credentialId) || existed;
      mem.applyTrustChange(userId, trustChanges.reset, { enrollmentsChanged: existed });
      mem.recordWith(write, existed);
      return existed;
    },
  };
}
