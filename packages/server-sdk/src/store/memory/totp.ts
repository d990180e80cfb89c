import type { Enrollment } from '../../model.ts';
import { keepsFactor } from '../store.ts';
import type { TotpStore } from '../totp-store.ts';
import type { MemoryState } from './state.ts';

/** The authenticator app, its pending setup, and a user's whole MFA (a reset). In memory: each method runs to completion without an `await` between its read and its write. */
export function totpMethods(mem: MemoryState): TotpStore {
  return {
    async getFactor(userId) {
      const factor = mem.factors.get(userId);
      return factor ? { ...factor } : null;
    },
    async getChallengeState(userId) {
      const factor = mem.factors.get(userId);
      if (!factor) return null;
      return { factor: { ...factor }, lockedUntil: mem.attempts.get(userId)?.lockedUntil ?? null };
    },
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
    async updateFactorSecret(userId, secret, expected) {
      const factor = mem.factors.get(userId);
      if (!factor || factor.secret !== expected) return false;
      factor.secret = secret;
      return true;
    },
    async listFactorSecrets(after, limit) {
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
      mem.discardCeremonies(factor.userId);
      // Only an app replaced is a trust change; a first app is a factor added.
      if (mem.factors.has(factor.userId)) {
        mem.endSessionsBut(factor.userId);
        mem.forgetDevices(factor.userId);
      }
      mem.factors.set(factor.userId, { ...factor });
      mem.facts++;
      if (hashes) {
        mem.recoveryCodes.set(
          factor.userId,
          hashes.map((hash) => ({ hash, usedAt: null })),
        );
      }
      if (session) mem.sessions.set(mem.sessionKey(session.userId, session.sessionId), { ...session });
      mem.recordWith(write, true);
      return true;
    },
    async deleteFactor(userId, write) {
      let existed = mem.factors.delete(userId);
      for (const c of mem.credentialsOf(userId)) existed = mem.credentials.delete(c.credentialId) || existed;
      mem.discardCeremonies(userId);
      mem.recoveryCodes.delete(userId);
      mem.attempts.delete(userId);
      mem.lastFailure.delete(userId);
      mem.endSessionsBut(userId);
      mem.forgetDevices(userId);
      if (existed) mem.facts++;
      mem.recordWith(write, existed);
      return existed;
    },
    async deleteTotp(userId, write, keepSessionId, mustKeep) {
      if (!mem.factors.has(userId) || !keepsFactor(mem.methodsLeft(userId, { app: true }), mustKeep))
        return false;
      mem.factors.delete(userId);
      mem.facts++;
      mem.factorRemoved(userId, keepSessionId);
      mem.recordWith(write, true);
      return true;
    },
  };
}
