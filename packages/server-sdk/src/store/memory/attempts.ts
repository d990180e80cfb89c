import type { AttemptStore } from '../attempt-store.ts';
import { type AttemptResult, settle, verificationMethodOf } from '../store.ts';
import type { MemoryState } from './state.ts';

/** Challenge attempts under the back-off (`settle` judges them). In memory: each method runs to completion without an `await` between its read and its write. */
export function attemptsMethods(mem: MemoryState): AttemptStore {
  return {
    async getAttempts(userId) {
      const state = mem.attempts.get(userId);
      return state ? { ...state } : { failures: 0, lockedUntil: null };
    },

    async settleAttempt(input) {
      const { userId, proof, now } = input;
      const state = {
        ...(mem.attempts.get(userId) ?? { failures: 0, lockedUntil: null }),
        totpSecret: mem.factors.get(userId)?.secret ?? null,
      };
      const settled = settle(input, state, (step) => {
        if (proof.kind === 'setup') return true;
        if (proof.kind === 'webauthn') {
          const c = mem.credentials.get(proof.credentialId);
          if (!c || c.userId !== userId || c.counter !== proof.expectedCounter) return false;
          c.counter = proof.counter;
          c.backedUp = proof.backedUp;
          c.lastUsedAt = now;
          return true;
        }
        if (proof.kind === 'totp') {
          // Judged on this factor's secret, read in this same run (no `await` in between).
          const factor = mem.factors.get(userId);
          if (!factor || (factor.lastUsedStep !== null && factor.lastUsedStep >= step)) return false;
          factor.lastUsedStep = step;
          return true;
        }
        const code = mem.recoveryCodes
          .get(userId)
          ?.find((c) => c.usedAt === null && proof.hashes.includes(c.hash));
        if (!code) return false;
        code.usedAt = now;
        return true;
      });
      let result: AttemptResult;
      if (settled.outcome === 'locked' || settled.outcome === 'not_enrolled') {
        result = settled;
      } else if (settled.outcome !== 'verified') {
        mem.attempts.set(userId, { failures: settled.failures, lockedUntil: settled.lockedUntil });
        mem.lastFailure.set(userId, now);
        result = { outcome: settled.outcome, failures: settled.failures };
      } else {
        mem.attempts.delete(userId);
        mem.lastFailure.delete(userId);
        // A setup's confirmation is marked by its activation.
        if (proof.kind !== 'setup') {
          mem.sessions.set(mem.sessionKey(userId, input.sessionId), {
            sessionId: input.sessionId,
            userId,
            verifiedAt: now,
            method: verificationMethodOf(proof),
          });
        }
        const recoveryCodesRemaining =
          mem.recoveryCodes.get(userId)?.filter((c) => c.usedAt === null).length ?? 0;
        result = { outcome: 'verified', recoveryCodesRemaining };
      }
      return { ...result, events: mem.append(input.audit?.(result) ?? []) };
    },
  };
}
