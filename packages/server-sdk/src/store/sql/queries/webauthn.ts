/** WebAuthn's one-statement methods: the user handle, credentials read, ceremonies' challenges. */
import type { MfaStore } from '../../store.ts';
import { credentialFromRow, toDate } from '../rows.ts';
import { oldCeremoniesDiscarded } from '../trust-change.ts';
import { toMs } from '../write-statements.ts';
import type { QueryContext } from './context.ts';

export function webauthnQueries({
  q,
}: QueryContext): Required<
  Pick<
    MfaStore,
    | 'webAuthnUserHandle'
    | 'listWebAuthnCredentials'
    | 'getWebAuthnCredential'
    | 'putWebAuthnChallenge'
    | 'findWebAuthnChallenge'
    | 'takeWebAuthnChallenge'
  >
> {
  return {
    async webAuthnUserHandle(userId, candidate) {
      const db = await q();
      await db
        .insertInto('mfa_webauthn_users')
        .values({ user_id: userId, user_handle: candidate })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      const row = await db
        .selectFrom('mfa_webauthn_users')
        .select('user_handle')
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return row.user_handle;
    },
    async listWebAuthnCredentials(userId) {
      const rows = await (await q())
        .selectFrom('mfa_webauthn_credentials')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('credential_id')
        .execute();
      return rows.map(credentialFromRow);
    },
    async getWebAuthnCredential(userId, credentialId) {
      const row = await (await q())
        .selectFrom('mfa_webauthn_credentials')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? credentialFromRow(row) : null;
    },
    async putWebAuthnChallenge(challenge) {
      const db = await q();
      await db
        .insertInto('mfa_webauthn_challenges')
        .values({
          challenge: challenge.challenge,
          user_id: challenge.userId,
          session_id: challenge.sessionId,
          ceremony: challenge.ceremony,
          expires_at: toMs(challenge.expiresAt),
        })
        .execute();
      // Then the oldest beyond the cap: a password alone cannot fill the store with ceremonies.
      await db.executeQuery(oldCeremoniesDiscarded(db, challenge.userId));
    },
    async findWebAuthnChallenge(userId, sessionId, challenge, ceremony) {
      const row = await (await q())
        .selectFrom('mfa_webauthn_challenges')
        .select('expires_at')
        .where('challenge', '=', challenge)
        .where('user_id', '=', userId)
        .where('session_id', '=', sessionId)
        .where('ceremony', '=', ceremony)
        .executeTakeFirst();
      return row ? { challenge, userId, sessionId, ceremony, expiresAt: toDate(row.expires_at) } : null;
    },
    async takeWebAuthnChallenge(userId, sessionId, challenge, ceremony) {
      const row = await (await q())
        .deleteFrom('mfa_webauthn_challenges')
        .where('challenge', '=', challenge)
        .where('user_id', '=', userId)
        .where('session_id', '=', sessionId)
        .where('ceremony', '=', ceremony)
        .returning(['expires_at'])
        .executeTakeFirst();
      return row ? { challenge, userId, sessionId, ceremony, expiresAt: toDate(row.expires_at) } : null;
    },
  };
}
