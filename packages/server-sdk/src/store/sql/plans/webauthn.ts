/** WebAuthn credentials' atomic writes, as plans. */
import type { Kysely } from 'kysely';
import type { SessionRecord, WebAuthnCredentialRecord } from '../../../model.ts';
import type { AuditWrite } from '../../audit-store.ts';
import type { MustKeep } from '../../must-keep.ts';
import { trustChanges } from '../../trust-changes.ts';
import type { AddCredentialResult } from '../../webauthn-store.ts';
import { absent, allOf, audited, count, mustChange, type Plan, present, writing } from '../plan.ts';
import type { Database } from '../schema.ts';
import { factorLeft, trustChangeStatements } from '../trust-change.ts';
import { credentialInsert, credentialRenamed, sessionMarked } from '../write-statements.ts';

const credentialsOf = (db: Kysely<Database>, userId: string) =>
  db.selectFrom('mfa_webauthn_credentials').select('user_id').where('user_id', '=', userId);
const credentialOf = (db: Kysely<Database>, userId: string, credentialId: string) =>
  credentialsOf(db, userId).where('credential_id', '=', credentialId);

export interface AddCredential {
  limit: number;
  recoveryCodeHashes: readonly string[];
  session: SessionRecord;
  challenge?: string;
}

/**
 * A credential added, when its ceremony is still open (no trust change came since it began),
 * the user holds fewer than `limit` and no one holds its id: a factor added; the user's first
 * factor brings its recovery codes; the registering session is verified with it.
 */
export function addCredentialPlan(
  db: Kysely<Database>,
  record: WebAuthnCredentialRecord,
  { limit, recoveryCodeHashes, session, challenge }: AddCredential,
  write: AuditWrite | undefined,
): Plan<AddCredentialResult> {
  const { userId } = record;
  const credentials = credentialsOf(db, userId);
  const app = db.selectFrom('mfa_totp_factors').select('user_id').where('user_id', '=', userId);
  const taken = db
    .selectFrom('mfa_webauthn_credentials')
    .select('user_id')
    .where('credential_id', '=', record.credentialId);
  const ceremony = db
    .selectFrom('mfa_webauthn_challenges')
    .select('user_id')
    .where('challenge', '=', challenge ?? '')
    .where('user_id', '=', userId)
    .where('session_id', '=', session.sessionId)
    .where('ceremony', '=', 'registration');
  return {
    key: `user:${userId}`,
    reads: [credentials.compile(), taken.compile(), app.compile(), ceremony.compile()],
    decide: ([held = [], duplicate = [], apps = [], open = []]) => {
      if (challenge !== undefined && open.length === 0)
        return { done: { added: false, reason: 'ceremony_gone' } };
      if (held.length >= limit) return { done: { added: false, reason: 'too_many' } };
      if (duplicate.length > 0) return { done: { added: false, reason: 'duplicate' } };
      const first = apps.length === 0 && held.length === 0;
      const added: AddCredentialResult = { added: true, recoveryCodesIssued: first };
      return {
        asRead: allOf(
          count(credentials, held.length),
          absent(taken),
          apps.length > 0 ? present(app) : absent(app),
          ...(challenge !== undefined ? [present(ceremony)] : []),
        ),
        statements: [
          // Another user may register the same id meanwhile: no lock of this user keeps it out.
          mustChange(credentialInsert(db, record).compile()),
          ...trustChangeStatements(db, userId, trustChanges.factorAdded, {
            recoveryCodeHashes: first ? recoveryCodeHashes : null,
          }),
          sessionMarked(db, session),
        ],
        audit: audited(write, added),
        answer: () => added,
      };
    },
  };
}

/** A credential of the user's renamed. */
export function renameCredentialPlan(
  db: Kysely<Database>,
  userId: string,
  credentialId: string,
  name: string,
  write: AuditWrite | undefined,
): Plan<boolean> {
  return writing(`user:${userId}`, {
    check: present(credentialOf(db, userId, credentialId)),
    statements: [credentialRenamed(db, userId, credentialId, name)],
    audit: audited(write, true),
    answer: true,
    otherwise: false,
  });
}

/** A credential of the user's removed, while `mustKeep` holds without it. */
export function deleteCredentialPlan(
  db: Kysely<Database>,
  userId: string,
  credentialId: string,
  write: AuditWrite | undefined,
  keepSessionId: string | undefined,
  mustKeep: MustKeep | undefined,
): Plan<boolean> {
  const left = factorLeft(db, userId, { credentialId }, mustKeep);
  return writing(`user:${userId}`, {
    check: allOf(present(credentialOf(db, userId, credentialId)), ...(left ? [left] : [])),
    statements: [
      db
        .deleteFrom('mfa_webauthn_credentials')
        .where('credential_id', '=', credentialId)
        .where('user_id', '=', userId)
        .compile(),
      ...trustChangeStatements(db, userId, trustChanges.factorRemoved, { keepSessionId }),
    ],
    audit: audited(write, true),
    answer: true,
    otherwise: false,
  });
}
