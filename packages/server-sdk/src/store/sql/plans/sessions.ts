/** A session ended, as a plan. */
import type { Kysely } from 'kysely';
import { type Plan, writing } from '../plan.ts';
import type { Database } from '../schema.ts';
import { ceremoniesDiscarded } from '../trust-change.ts';

/** A session of the user ended (the host's sign-out): the user's open ceremonies go with it. */
export function endSessionPlan(db: Kysely<Database>, userId: string, sessionId: string): Plan<void> {
  return writing(`user:${userId}`, {
    statements: [
      db
        .deleteFrom('mfa_verified_sessions')
        .where('user_id', '=', userId)
        .where('session_id', '=', sessionId)
        .compile(),
      ...ceremoniesDiscarded(db, userId),
    ],
    answer: undefined,
  });
}
