/**
 * The statements a write makes once it has decided, compiled: the Kysely store's
 * transactions run them in order (kysely-store.ts), and a D1 batch sends them behind
 * its check (d1-batches.ts), so that both write alike.
 */
import {
  type CompiledQuery,
  type ExpressionBuilder,
  type Kysely,
  type QueryResult,
  type RawBuilder,
  sql,
} from 'kysely';
import {
  type GraceRecord,
  MAX_OPEN_CEREMONIES,
  type PolicyRecord,
  type RememberedDeviceRecord,
  type SessionMethod,
  type SessionRecord,
  type TotpFactorRecord,
  type WebAuthnCredentialRecord,
} from '../../model.ts';
import type { MustKeep } from '../store.ts';
import type { SqlFlavour } from './migrations.ts';
import type { Executor } from './prepared.ts';
import type { Database } from './schema.ts';

export const toMs = (date: Date) => date.getTime();

/**
 * The facts version is kept in `FACTS_SHARDS` counter rows (`facts:0` …), a write moving
 * its user's row only: on PostgreSQL, enrollments and new grace starts of different users
 * (a whole account switched to "Required for all users" signing in) queue on sixteen row
 * locks, not one. The version is all of them, in order.
 */
export const FACTS_SHARDS = 16;

/** The counter row of `userId`'s writes (FNV-1a of the id, modulo `FACTS_SHARDS`). */
export function factsShard(userId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  return `facts:${(hash >>> 0) % FACTS_SHARDS}`;
}

/** Statements to run in order, as one atomic write. */
export type Statements = CompiledQuery[];

/** Runs `statements` in order on `trx`. */
export async function runStatements(trx: Executor, statements: readonly CompiledQuery[]) {
  const results: QueryResult<unknown>[] = [];
  for (const statement of statements) results.push(await trx.executeQuery(statement));
  return results;
}

/** The rows a result changed (a driver may leave the count out when it is none). */
export const changed = (result: QueryResult<unknown> | undefined) => Number(result?.numAffectedRows ?? 0);

/**
 * Moves the facts version on (the row of `userId`'s writes), in the transaction of a write
 * that changed an enrollment or a grace start, as its last statement: on PostgreSQL the
 * counter's row lock is then held only until the commit, taken after every other lock.
 */
export function bumpFacts(db: Kysely<Database>, userId: string): CompiledQuery {
  return db
    .updateTable('mfa_counters')
    .set({ value: sql`value + 1` })
    .where('name', '=', factsShard(userId))
    .compile();
}

/**
 * Takes the user's lock for the rest of the transaction, first, in every write that changes
 * the user's trust (factors, codes, sessions, devices): on PostgreSQL an advisory lock on the
 * user (read committed would let two such writes each judge on rows the other is changing);
 * SQLite runs one writer at a time already. Taken first, it cannot deadlock with row locks.
 */
export function userLock(db: Kysely<Database>, flavour: SqlFlavour, userId: string): Statements {
  return flavour === 'postgres'
    ? [sql`select pg_advisory_xact_lock(hashtextextended(${`mfa-user:${userId}`}, 0))`.compile(db)]
    : [];
}

/**
 * A trust change discards the user's pending app setup and open WebAuthn registrations, so
 * that no ceremony begun before it finishes after it.
 */
export function ceremoniesDiscarded(db: Kysely<Database>, userId: string): Statements {
  return [
    db.deleteFrom('mfa_pending_totp').where('user_id', '=', userId).compile(),
    registrationsDiscarded(db, userId),
  ];
}

/** The user's open WebAuthn registrations discarded (their pending app setup stays). */
export function registrationsDiscarded(db: Kysely<Database>, userId: string): CompiledQuery {
  return db
    .deleteFrom('mfa_webauthn_challenges')
    .where('user_id', '=', userId)
    .where('ceremony', '=', 'registration')
    .compile();
}

/** The user's open ceremonies beyond the newest `MAX_OPEN_CEREMONIES` discarded. */
export function oldCeremoniesDiscarded(db: Kysely<Database>, userId: string): CompiledQuery {
  return db
    .deleteFrom('mfa_webauthn_challenges')
    .where('user_id', '=', userId)
    .where('challenge', 'not in', (eb) =>
      eb
        .selectFrom('mfa_webauthn_challenges')
        .select('challenge')
        .where('user_id', '=', userId)
        .orderBy('expires_at', 'desc')
        .orderBy('challenge', 'desc')
        .limit(MAX_OPEN_CEREMONIES),
    )
    .compile();
}

/** A session of the user ended (the host's sign-out): its ceremonies go with it. */
export function sessionEnded(db: Kysely<Database>, userId: string, sessionId: string): Statements {
  return [
    db
      .deleteFrom('mfa_verified_sessions')
      .where('user_id', '=', userId)
      .where('session_id', '=', sessionId)
      .compile(),
    ...ceremoniesDiscarded(db, userId),
  ];
}

/** The user's recovery codes replaced by `hashes` (none for an empty list). */
function recoveryCodesReplaced(db: Kysely<Database>, userId: string, hashes: readonly string[]): Statements {
  const statements: Statements = [
    db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).compile(),
  ];
  if (hashes.length > 0) {
    statements.push(
      db
        .insertInto('mfa_recovery_codes')
        .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
        .compile(),
    );
  }
  return statements;
}

/** Forgets the user's remembered devices (a trust change, or the user's own wish). */
export function forgetDevices(db: Kysely<Database>, userId: string, deviceId: string | null = null) {
  let forgetting = db.deleteFrom('mfa_remembered_devices').where('user_id', '=', userId);
  if (deviceId !== null) forgetting = forgetting.where('device_id', '=', deviceId);
  return forgetting;
}

/** Ends every verified session of the user but `keepSessionId` (a trust change). */
function endSessionsBut(db: Kysely<Database>, userId: string, keepSessionId?: string): CompiledQuery {
  let ending = db.deleteFrom('mfa_verified_sessions').where('user_id', '=', userId);
  if (keepSessionId !== undefined) ending = ending.where('session_id', '<>', keepSessionId);
  return ending.compile();
}

/** `session` marked verified (the session that made a trust change keeps its verification). */
export function sessionMarked(db: Kysely<Database>, session: SessionRecord): CompiledQuery {
  return markSession(
    db,
    session.userId,
    session.sessionId,
    toMs(session.verifiedAt),
    session.method,
  ).compile();
}

export function markSession(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
  at: number,
  method: SessionMethod,
) {
  return db
    .insertInto('mfa_verified_sessions')
    .values({ user_id: userId, session_id: sessionId, verified_at: at, method })
    .onConflict((oc) =>
      oc.columns(['user_id', 'session_id']).doUpdateSet({
        verified_at: (eb) => eb.ref('excluded.verified_at'),
        method: (eb) => eb.ref('excluded.method'),
      }),
    );
}

/**
 * An app activated (its pending setup taken): the factor replaced, the codes replaced when
 * `hashes` are given, every session and remembered device of the old trust forgotten.
 */
export function totpActivated(
  db: Kysely<Database>,
  factor: TotpFactorRecord,
  hashes: readonly string[] | null,
  session: SessionRecord | undefined,
): Statements {
  const { userId } = factor;
  // Only an app replaced is a trust change: sessions verified with it are not verified with
  // this one. A first app is a factor added, which keeps sessions and devices.
  const replacing = (eb: ExpressionBuilder<Database, 'mfa_verified_sessions' | 'mfa_remembered_devices'>) =>
    eb.exists(db.selectFrom('mfa_totp_factors').select('user_id').where('user_id', '=', userId));
  return [
    db.deleteFrom('mfa_verified_sessions').where('user_id', '=', userId).where(replacing).compile(),
    forgetDevices(db, userId).where(replacing).compile(),
    db.deleteFrom('mfa_totp_factors').where('user_id', '=', userId).compile(),
    db
      .insertInto('mfa_totp_factors')
      .values({
        user_id: userId,
        secret: factor.secret,
        last_used_step: factor.lastUsedStep,
        created_at: toMs(factor.createdAt),
      })
      .compile(),
    ...(hashes ? recoveryCodesReplaced(db, userId, hashes) : []),
    registrationsDiscarded(db, userId),
    ...(session ? [sessionMarked(db, session)] : []),
    bumpFacts(db, userId),
  ];
}

/** A credential's row as inserted. */
export function credentialInsert(db: Kysely<Database>, credential: WebAuthnCredentialRecord) {
  return db
    .insertInto('mfa_webauthn_credentials')
    .values({
      credential_id: credential.credentialId,
      user_id: credential.userId,
      public_key: credential.publicKey,
      counter: credential.counter,
      transports: JSON.stringify(credential.transports),
      backed_up: credential.backedUp ? 1 : 0,
      name: credential.name,
      created_at: toMs(credential.createdAt),
      last_used_at: credential.lastUsedAt ? toMs(credential.lastUsedAt) : null,
      rp_id: credential.rpId ?? null,
      aaguid: credential.aaguid ?? null,
    })
    .onConflict((oc) => oc.column('credential_id').doNothing());
}

/** A credential of the user's renamed. */
export function credentialRenamed(db: Kysely<Database>, userId: string, credentialId: string, name: string) {
  return db
    .updateTable('mfa_webauthn_credentials')
    .set({ name })
    .where('credential_id', '=', credentialId)
    .where('user_id', '=', userId)
    .compile();
}

/**
 * Whether the user would still hold a factor that `mustKeep` asks for once the app (`{ app:
 * true }`) or one credential is gone, as a condition the removal is judged by inside its
 * write; `null` when nothing is asked.
 */
export function factorLeft(
  db: Kysely<Database>,
  userId: string,
  without: { app: true } | { credentialId: string },
  mustKeep: MustKeep | undefined,
): RawBuilder<boolean> | null {
  if (mustKeep === undefined) return null;
  const left: RawBuilder<unknown>[] = [];
  if (mustKeep.includes('totp') && !('app' in without)) {
    left.push(
      sql`exists ${db.selectFrom('mfa_totp_factors').select('user_id').where('user_id', '=', userId)}`,
    );
  }
  if (mustKeep.includes('webauthn')) {
    let others = db.selectFrom('mfa_webauthn_credentials').select('user_id').where('user_id', '=', userId);
    if ('credentialId' in without) others = others.where('credential_id', '<>', without.credentialId);
    left.push(sql`exists ${others}`);
  }
  // (Kysely puts a subquery in parentheses of its own.)
  return left.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(left, sql` or `)})`;
}

/** The user's app removed, while `mustKeep` holds without it (then `factorRemoved`). */
export function appRemoved(db: Kysely<Database>, userId: string, mustKeep?: MustKeep) {
  const left = factorLeft(db, userId, { app: true }, mustKeep);
  let removing = db.deleteFrom('mfa_totp_factors').where('user_id', '=', userId);
  if (left) removing = removing.where(left);
  return removing.compile();
}

/** A credential of the user's removed, while `mustKeep` holds without it (then `factorRemoved`). */
export function credentialRemoved(
  db: Kysely<Database>,
  userId: string,
  credentialId: string,
  mustKeep?: MustKeep,
) {
  const left = factorLeft(db, userId, { credentialId }, mustKeep);
  let removing = db
    .deleteFrom('mfa_webauthn_credentials')
    .where('credential_id', '=', credentialId)
    .where('user_id', '=', userId);
  if (left) removing = removing.where(left);
  return removing.compile();
}

/**
 * A credential added: the first factor of the user gets `hashes` as its recovery codes; the
 * registering session is verified with it. Adding a factor is no loss of trust: the user's
 * other sessions and remembered devices stay.
 */
export function credentialAdded(
  db: Kysely<Database>,
  userId: string,
  first: boolean,
  hashes: readonly string[],
  session: SessionRecord,
): Statements {
  return [
    ...(first ? recoveryCodesReplaced(db, userId, hashes) : []),
    ...ceremoniesDiscarded(db, userId),
    sessionMarked(db, session),
    bumpFacts(db, userId),
  ];
}

/**
 * A factor (an app or a credential) removed: a user left without any loses the codes and
 * failures that went with MFA; every session but `keepSessionId` ends, every device is forgotten.
 */
export function factorRemoved(db: Kysely<Database>, userId: string, keepSessionId?: string): Statements {
  const withoutFactor = (eb: ExpressionBuilder<Database, 'mfa_recovery_codes' | 'mfa_attempts'>) =>
    eb.and([
      eb.not(eb.exists(db.selectFrom('mfa_totp_factors').select('user_id').where('user_id', '=', userId))),
      eb.not(
        eb.exists(db.selectFrom('mfa_webauthn_credentials').select('user_id').where('user_id', '=', userId)),
      ),
    ]);
  return [
    db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).where(withoutFactor).compile(),
    db.deleteFrom('mfa_attempts').where('user_id', '=', userId).where(withoutFactor).compile(),
    ...ceremoniesDiscarded(db, userId),
    endSessionsBut(db, userId, keepSessionId),
    forgetDevices(db, userId).compile(),
    bumpFacts(db, userId),
  ];
}

/** The recovery codes replaced (a renewal): every session but `keepSessionId` ends, every device is forgotten. */
export function codesRenewed(
  db: Kysely<Database>,
  userId: string,
  hashes: readonly string[],
  keepSessionId?: string,
): Statements {
  return [
    ...recoveryCodesReplaced(db, userId, hashes),
    ...ceremoniesDiscarded(db, userId),
    endSessionsBut(db, userId, keepSessionId),
    forgetDevices(db, userId).compile(),
  ];
}

/** A policy written when its stored version is `expectedVersion` (0: when there is none). */
export function policyWrite(
  db: Kysely<Database>,
  policy: PolicyRecord,
  expectedVersion: number,
): CompiledQuery {
  const values = {
    mode: policy.mode,
    grace_period_days: policy.gracePeriodDays,
    enforce_after_sso: policy.enforceAfterSso ? 1 : 0,
    allowed_factors: policy.allowedFactors,
    remember_device_days: policy.rememberDeviceDays,
    version: policy.version,
    updated_at: policy.updatedAt ? toMs(policy.updatedAt) : null,
    updated_by: policy.updatedBy,
  };
  if (expectedVersion === 0) {
    return db
      .insertInto('mfa_policies')
      .values({ account_id: policy.accountId, ...values })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .compile();
  }
  return db
    .updateTable('mfa_policies')
    .set(values)
    .where('account_id', '=', policy.accountId)
    .where('version', '=', expectedVersion)
    .compile();
}

/** A remembered device's row as inserted. */
export function deviceInsert(db: Kysely<Database>, device: RememberedDeviceRecord): CompiledQuery {
  return db
    .insertInto('mfa_remembered_devices')
    .values({
      device_id: device.deviceId,
      user_id: device.userId,
      token_hash: device.tokenHash,
      method: device.method,
      label: device.label,
      created_at: toMs(device.createdAt),
      last_used_at: device.lastUsedAt ? toMs(device.lastUsedAt) : null,
      expires_at: toMs(device.expiresAt),
    })
    .compile();
}

/** A device of the user's used at `at` (its token hashed again under the current key, with `rehash`). */
export function deviceUsed(
  db: Kysely<Database>,
  userId: string,
  deviceId: string,
  at: Date,
  rehash?: string,
) {
  return db
    .updateTable('mfa_remembered_devices')
    .set({ last_used_at: toMs(at), ...(rehash === undefined ? {} : { token_hash: rehash }) })
    .where('device_id', '=', deviceId)
    .where('user_id', '=', userId)
    .compile();
}

/** A grace start at `at`, unless it has started already. */
export function graceStart(db: Kysely<Database>, accountId: string, userId: string, at: Date): CompiledQuery {
  return db
    .insertInto('mfa_grace')
    .values({ account_id: accountId, user_id: userId, started_at: toMs(at), forfeited_at: null })
    .onConflict((oc) => oc.columns(['account_id', 'user_id']).doNothing())
    .compile();
}

/**
 * A reset at `at` forfeits the grace period: `forfeited_at` set to `at` unless an earlier reset
 * set it; a period that never started starts and is forfeited at `at`.
 */
export function graceForfeit(
  db: Kysely<Database>,
  accountId: string,
  userId: string,
  at: Date,
): CompiledQuery {
  return db
    .insertInto('mfa_grace')
    .values({ account_id: accountId, user_id: userId, started_at: toMs(at), forfeited_at: toMs(at) })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'user_id'])
        .doUpdateSet({ forfeited_at: toMs(at) })
        .where((eb) =>
          eb.or([eb('mfa_grace.forfeited_at', 'is', null), eb('mfa_grace.forfeited_at', '>', toMs(at))]),
        ),
    )
    .compile();
}

/** A grace row as read (`started_at`, `forfeited_at`: milliseconds, as numbers or strings), as the store answers it. */
export function graceRecord(row: { started_at?: unknown; forfeited_at?: unknown }): GraceRecord {
  const forfeited = row.forfeited_at;
  return {
    startedAt: new Date(Number(row.started_at)),
    forfeitedAt: forfeited === null || forfeited === undefined ? null : new Date(Number(forfeited)),
  };
}

/** A reset: every factor, code, failure, session and device of the user gone. */
export function mfaReset(db: Kysely<Database>, userId: string): Statements {
  return [
    // Pending row first, as activateTotp locks them: the opposite order can deadlock on PostgreSQL.
    ...ceremoniesDiscarded(db, userId),
    db.deleteFrom('mfa_totp_factors').where('user_id', '=', userId).compile(),
    db.deleteFrom('mfa_webauthn_credentials').where('user_id', '=', userId).compile(),
    db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).compile(),
    db.deleteFrom('mfa_attempts').where('user_id', '=', userId).compile(),
    db.deleteFrom('mfa_verified_sessions').where('user_id', '=', userId).compile(),
    forgetDevices(db, userId).compile(),
  ];
}
