/**
 * A database as an older mfakit left it: only the migrations named in `applied`
 * have run. The upgrade tests write into such a database the way that version
 * did, then open today's store on it.
 */
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { SecretBox } from '../src/crypto/secret-box.ts';
import { migrations, type SqlFlavour } from '../src/store/sql/migrations.ts';

export async function migrateOnly(
  db: Kysely<unknown>,
  flavour: SqlFlavour,
  applied: string[],
): Promise<void> {
  const all = migrations(flavour);
  const chosen: Record<string, Migration> = {};
  for (const name of applied) chosen[name] = all[name] as Migration;
  // As the store does: on PostgreSQL, Kysely takes a migration table in any schema for its own
  // unless told the connection's.
  const schema =
    flavour === 'postgres'
      ? ((await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ??
        undefined)
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => chosen },
    migrationTableName: 'mfa_migration',
    migrationLockTableName: 'mfa_migration_lock',
    allowUnorderedMigrations: true,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

/** The migrations of the release before sessions were keyed by user (0004_sessions_by_user). */
export const BEFORE_SESSIONS_BY_USER = ['0001_initial', '0003_meta'];

/** The migrations of the release before secrets were bound to their user and rows were pruned. */
export const BEFORE_PRUNING = ['0001_initial', '0003_meta', '0004_sessions_by_user'];

/** The migrations of the release before WebAuthn (0006_webauthn). */
export const BEFORE_WEBAUTHN = ['0001_initial', '0003_meta', '0004_sessions_by_user', '0005_pruning'];

/** The migrations of the release before remembered devices (0007_remembered_devices). */
export const BEFORE_REMEMBERED_DEVICES = [...BEFORE_WEBAUTHN, '0006_webauthn'];

/**
 * Writes into a database migrated to `BEFORE_REMEMBERED_DEVICES` what that release wrote: a
 * policy accepting passkeys only.
 */
export async function writeBeforeRememberedDevices(db: Kysely<unknown>, at: Date): Promise<void> {
  await sql`insert into mfa_policies (account_id, mode, grace_period_days, enforce_after_sso, allowed_factors, version, updated_at, updated_by)
    values ('acme', 'required_all', 3, 0, 'phishing_resistant', 4, ${at.getTime()}, 'ada')`.execute(db);
}

/**
 * Writes into a database migrated to `BEFORE_WEBAUTHN` what that release wrote: a policy
 * and a verified session.
 */
export async function writeBeforeWebAuthn(db: Kysely<unknown>, at: Date): Promise<void> {
  await sql`insert into mfa_policies (account_id, mode, grace_period_days, enforce_after_sso, version, updated_at, updated_by)
    values ('acme', 'required_all', 3, 1, 2, ${at.getTime()}, 'ada')`.execute(db);
  await sql`insert into mfa_verified_sessions (user_id, session_id, verified_at)
    values ('max', 's-max', ${at.getTime()})`.execute(db);
}

/**
 * A secret sealed as that release sealed it (`v1`): AES-256-GCM with only the key id
 * as associated data, under the key HKDF derives from `secret`.
 */
export async function sealV1(secret: string, plaintext: string): Promise<string> {
  const utf8 = new TextEncoder();
  const material = await crypto.subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, ['deriveKey']);
  const aes = await crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: utf8.encode('mfakit/v1'),
      info: utf8.encode('mfakit/aes-256-gcm'),
    },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt'],
  );
  const keyId = await new SecretBox([secret]).currentKeyId();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(keyId) },
    aes,
    utf8.encode(plaintext),
  );
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  return `v1.${keyId}.${b64(iv)}.${b64(new Uint8Array(ciphertext))}`;
}

/** The migrations of the release before the facts version (0008_facts_version). */
export const BEFORE_FACTS_VERSION = [...BEFORE_REMEMBERED_DEVICES, '0007_remembered_devices'];

/**
 * Writes into a database migrated to `BEFORE_FACTS_VERSION` what that release wrote: an app
 * (its secret as stored, not opened here) and a grace start.
 */
export async function writeBeforeFactsVersion(db: Kysely<unknown>, at: Date): Promise<void> {
  await sql`insert into mfa_totp_factors (user_id, secret, last_used_step, created_at)
    values ('max', 'sealed-max', null, ${at.getTime()})`.execute(db);
  await sql`insert into mfa_grace (account_id, user_id, started_at)
    values ('acme', 'sam', ${at.getTime()})`.execute(db);
}
