import type { SessionRecord } from '../model.ts';

export interface PruneInput {
  /** Pending setups, WebAuthn challenges and remembered devices that expired before it go. */
  now: Date;
  sessionsBefore: Date;
  attemptsBefore: Date;
  keepFailures: number;
  limit: number;
}

/**
 * Verified sessions, and the pruning of what has expired.
 *
 * Atomic guarantees: `endSession` discards the user's pending setup and open registrations
 * with the session. Conformance: testing/sessions.ts.
 */
export interface SessionStore {
  markSessionVerified(session: SessionRecord): Promise<void>;
  /** The user's session, if verified; the same session id of another user is another session. */
  getSession(userId: string, sessionId: string): Promise<SessionRecord | null>;
  /**
   * Ends the verified state of one session of the user (the host's sign-out), and discards
   * the user's pending app setup and open registrations with it.
   */
  endSession(userId: string, sessionId: string): Promise<void>;

  /**
   * Removes what has expired, at most `limit` rows of each kind (bounded work, called
   * as writes go): pending setups, WebAuthn challenges and remembered devices that expired
   * before `now`, verified sessions verified
   * before `sessionsBefore`, and failure counts whose last failure was before
   * `attemptsBefore` and that are under `keepFailures` (a user refused app codes until a
   * recovery code stays so). Answers how many rows went.
   */
  pruneExpired(input: PruneInput): Promise<number>;
}
