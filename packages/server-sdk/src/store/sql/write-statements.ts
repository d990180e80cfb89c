/**
 * The statements the plans' writes are made of (`plans/`), each for one row or one kind
 * of row; the rules of a trust change are in `trust-change.ts`.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type {
  GraceRecord,
  PolicyRecord,
  RememberedDeviceRecord,
  SessionMethod,
  SessionRecord,
  TotpFactorRecord,
  WebAuthnCredentialRecord,
} from '../../model.ts';
import type { Database } from './schema.ts';

export const toMs = (date: Date) => date.getTime();

/** The rows a result changed (a driver may leave the count out when it is none). */
export const changed = (result: QueryResult<unknown> | undefined) => Number(result?.numAffectedRows ?? 0);

/** An app's row as inserted. */
export function totpInsert(db: Kysely<Database>, factor: TotpFactorRecord): CompiledQuery {
  return db
    .insertInto('mfa_totp_factors')
    .values({
      user_id: factor.userId,
      secret: factor.secret,
      last_used_step: factor.lastUsedStep,
      created_at: toMs(factor.createdAt),
    })
    .compile();
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
    enforce_from: policy.enforceFrom ? toMs(policy.enforceFrom) : null,
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
