import type { SessionStore } from '../session-store.ts';
import type { MemoryState } from './state.ts';

/** Verified sessions, and pruning what has expired. In memory: each method runs to completion without an `await` between its read and its write. */
export function sessionsMethods(mem: MemoryState): SessionStore {
  return {
    async markSessionVerified(session) {
      mem.sessions.set(mem.sessionKey(session.userId, session.sessionId), { ...session });
    },
    async getSession(userId, sessionId) {
      const session = mem.sessions.get(mem.sessionKey(userId, sessionId));
      return session ? { ...session } : null;
    },
    async endSession(userId, sessionId) {
      mem.sessions.delete(mem.sessionKey(userId, sessionId));
      mem.discardCeremonies(userId);
    },
    async pruneExpired({ now, sessionsBefore, attemptsBefore, keepFailures, limit }) {
      let removed = 0;
      const prune = <K, V>(
        map: Map<K, V>,
        expired: (key: K, value: V) => boolean,
        also?: (key: K) => void,
      ) => {
        let n = 0;
        for (const [key, value] of map) {
          if (n >= limit) break;
          if (!expired(key, value)) continue;
          map.delete(key);
          also?.(key);
          n++;
        }
        removed += n;
      };
      prune(mem.pending, (_, p) => p.expiresAt < now);
      prune(mem.challenges, (_, c) => c.expiresAt < now);
      prune(mem.devices, (_, d) => d.expiresAt < now);
      prune(mem.sessions, (_, s) => s.verifiedAt < sessionsBefore);
      prune(
        mem.attempts,
        (userId, state) =>
          state.failures < keepFailures && (mem.lastFailure.get(userId) ?? new Date(0)) < attemptsBefore,
        (userId) => mem.lastFailure.delete(userId),
      );
      return removed;
    },
  };
}
