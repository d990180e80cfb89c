import { keepsFactor } from '../store.ts';
import type { TotpStore } from '../totp-store.ts';
import { trustChanges } from '../trust-changes.ts';
import type { MemoryState } from './state.ts';

/** The authenticator app and its pending setup. In memory: each method runs to completion without an `await` between its read and its write. */
export function totpMethods(mem: MemoryState): TotpStore {
  return {
    async getTotpFactor(userId) {
      const factor = mem.factors.get(userId);
      return factor ? { ...factor } : null;
    },
    async updateTotpSecret(userId, secret, expected) {
      const factor = mem.factors.get(userId);
      if (!factor || factor.secret !== expected) return false;
      factor.secret = secret;
      return true;
    },
    async listTotpSecrets(after, limit) {
      return [...mem.factors.values()]
        .filter((factor) => after === null || factor.userId > after)
        .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
        .slice(0, limit)
        .map(({ userId, secret }) => ({ userId, secret }));
    },

    async putPendingTotp(record) {
      mem.pending.set(record.userId, { ...record });
    },
    async getPendingTotp(userId) {
      const record = mem.pending.get(userId);
      return record ? { ...record } : null;
    },
    async activateTotp(factor, pendingSecret, hashes, write, session) {
      if (mem.pending.get(factor.userId)?.secret !== pendingSecret) return false;
      // Only an app replaced is a trust change; a first app is a factor added.
      const change = mem.factors.has(factor.userId) ? trustChanges.factorReplaced : trustChanges.factorAdded;
      mem.factors.set(factor.userId, { ...factor });
      mem.applyTrustChange(factor.userId, change, { recoveryCodeHashes: hashes });
      if (session) mem.sessions.set(mem.sessionKey(session.userId, session.sessionId), { ...session });
      mem.recordWith(write, true);
      return true;
    },
    async deleteTotp(userId, write, keepSessionId, mustKeep) {
      if (!mem.factors.has(userId) || !keepsFactor(mem.methodsLeft(userId, { app: true }), mustKeep))
        return false;
      mem.factors.delete(userId);
      mem.applyTrustChange(userId, trustChanges.factorRemoved, { keepSessionId });
      mem.recordWith(write, true);
      return true;
    },
  };
}
