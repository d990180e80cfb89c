import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { MfaConfigError } from '../../errors.ts';

export type SqlFlavour = 'sqlite' | 'postgres';

export function migrations(flavour: SqlFlavour): Record<string, Migration> {
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('mfa_policies')
          .addColumn('account_id', 'text', (c) => c.primaryKey())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('grace_period_days', 'integer', (c) => c.notNull())
          .addColumn('enforce_after_sso', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'bigint')
          .addColumn('updated_by', 'text')
          .execute();
        await db.schema
          .createTable('mfa_totp_factors')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('last_used_step', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('mfa_pending_totp')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('mfa_recovery_codes')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('used_at', 'bigint')
          .addPrimaryKeyConstraint('mfa_recovery_codes_pk', ['user_id', 'code_hash'])
          .execute();
        await db.schema
          .createTable('mfa_attempts')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('failures', 'integer', (c) => c.notNull())
          .addColumn('locked_until', 'bigint')
          .execute();
        await db.schema
          .createTable('mfa_sessions')
          .addColumn('session_id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('verified_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('mfa_sessions_user').on('mfa_sessions').column('user_id').execute();
        await db.schema
          .createTable('mfa_grace')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('mfa_grace_pk', ['account_id', 'user_id'])
          .execute();
        await db.schema
          .createTable('mfa_audit')
          .addColumn('id', flavour === 'postgres' ? 'bigserial' : 'integer', (c) =>
            flavour === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('account_id', 'text')
          .addColumn('before', 'text')
          .addColumn('after', 'text')
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('mfa_audit_account')
          .on('mfa_audit')
          .columns(['account_id', 'id'])
          .execute();
        await db.schema.createIndex('mfa_audit_user').on('mfa_audit').columns(['user_id', 'id']).execute();
      },
    },
    // Sessions keyed by user and session id: the same session id of two users is two sessions,
    // and one b-tree serves both the lookup and ending all of a user's sessions. On SQLite the
    // table is WITHOUT ROWID, so that marking a session writes one b-tree instead of three.
    '0004_sessions_by_user': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('mfa_verified_sessions')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('verified_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('mfa_verified_sessions_pk', ['user_id', 'session_id'])
          .$call((table) => (flavour === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
          .execute();
        await sql`insert into mfa_verified_sessions (user_id, session_id, verified_at)
          select user_id, session_id, verified_at from mfa_sessions`.execute(db);
        await db.schema.dropTable('mfa_sessions').execute();
      },
    },
    // Expired rows are pruned as writes go (`pruneExpired`): an index on each expiry, and when
    // a user's last failure was. Counts kept from before this migration start their age now.
    '0005_pruning': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('mfa_attempts').addColumn('last_failed_at', 'bigint').execute();
        await sql`update mfa_attempts set last_failed_at = ${Date.now()}`.execute(db);
        await db.schema
          .createIndex('mfa_attempts_last_failed')
          .on('mfa_attempts')
          .column('last_failed_at')
          .execute();
        await db.schema
          .createIndex('mfa_pending_totp_expires')
          .on('mfa_pending_totp')
          .column('expires_at')
          .execute();
        await db.schema
          .createIndex('mfa_verified_sessions_verified')
          .on('mfa_verified_sessions')
          .column('verified_at')
          .execute();
      },
    },
    // WebAuthn (passkeys and security keys): credentials, each user's random user handle, the
    // challenges of ceremonies in progress (in the store, so that any instance can finish a
    // ceremony another began); what verified a session; which factors a policy accepts.
    '0006_webauthn': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('mfa_policies')
          .addColumn('allowed_factors', 'text', (c) => c.notNull().defaultTo('any'))
          .execute();
        await db.schema.alterTable('mfa_verified_sessions').addColumn('method', 'text').execute();
        await db.schema
          .createTable('mfa_webauthn_users')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('user_handle', 'text', (c) => c.notNull().unique())
          .execute();
        await db.schema
          .createTable('mfa_webauthn_credentials')
          .addColumn('credential_id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addColumn('counter', 'bigint', (c) => c.notNull())
          .addColumn('transports', 'text', (c) => c.notNull())
          .addColumn('backed_up', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'bigint')
          .execute();
        await db.schema
          .createIndex('mfa_webauthn_credentials_user')
          .on('mfa_webauthn_credentials')
          .columns(['user_id', 'created_at'])
          .execute();
        await db.schema
          .createTable('mfa_webauthn_challenges')
          .addColumn('challenge', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('ceremony', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('mfa_webauthn_challenges_expires')
          .on('mfa_webauthn_challenges')
          .column('expires_at')
          .execute();
      },
    },
    // Remembered devices: only each token's keyed hash is stored (unique: a lookup is one index
    // probe); by user for the profile's list and for forgetting all of a user's devices; by
    // expiry for pruning. How long an account lets a device skip the challenge.
    '0007_remembered_devices': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('mfa_policies')
          .addColumn('remember_device_days', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('mfa_remembered_devices')
          .addColumn('device_id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'bigint')
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('mfa_remembered_devices_user')
          .on('mfa_remembered_devices')
          .columns(['user_id', 'created_at'])
          .execute();
        await db.schema
          .createIndex('mfa_remembered_devices_expires')
          .on('mfa_remembered_devices')
          .column('expires_at')
          .execute();
      },
    },
    '0003_meta': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('mfa_meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // The facts version (`factsVersion`): sixteen counter rows (`facts:0` … `facts:15`), one
    // moved on by a single `UPDATE … SET value = value + 1` in the transaction of each write
    // that changes an enrollment or a grace start (the row of its user), so that the members
    // list can keep an account's facts while they stay the same (FACTS_SHARDS in kysely-store.ts).
    '0008_facts_version': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('mfa_counters')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'bigint', (c) => c.notNull())
          .execute();
        for (let shard = 0; shard < 16; shard++) {
          await sql`insert into mfa_counters (name, value) values (${`facts:${shard}`}, 0)`.execute(db);
        }
      },
    },
    // Each passkey keeps the relying party id it was registered for (its assertions are judged
    // against it) and its authenticator's AAGUID. Credentials of before are judged against the
    // configured relying party, as they were.
    '0010_credential_origin': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('mfa_webauthn_credentials').addColumn('rp_id', 'text').execute();
        await db.schema.alterTable('mfa_webauthn_credentials').addColumn('aaguid', 'text').execute();
      },
    },
    // When an administrator's reset forfeited a grace period: its deadline is then the reset's
    // time. Grace periods forfeited before kept the start they were moved back to.
    '0011_grace_forfeit': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('mfa_grace').addColumn('forfeited_at', 'bigint').execute();
      },
    },
    // How far each subscriber of the audit trail got (events/delivery.ts): the outbox's cursors
    // and the lease an instance holds while it delivers.
    '0012_deliveries': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('mfa_deliveries')
          .addColumn('subscriber', 'text', (c) => c.primaryKey())
          .addColumn('last_id', 'bigint', (c) => c.notNull())
          .addColumn('failures', 'integer', (c) => c.notNull())
          .addColumn('retry_at', 'bigint')
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', 'bigint')
          .execute();
      },
    },
    // Rollouts (policy/enforcement.ts, rollout/): a policy's start date, the reminders sent
    // (one row per member and occasion, so each is sent once across instances), when each
    // account's reminders are next due, and the nudges' snoozes.
    '0013_rollout': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('mfa_policies').addColumn('enforce_from', 'bigint').execute();
        await db.schema
          .createTable('mfa_reminders')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('occasion', 'text', (c) => c.notNull())
          .addColumn('stage', 'text', (c) => c.notNull())
          .addColumn('deadline', 'bigint')
          .addColumn('sent_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('mfa_reminders_pk', ['account_id', 'user_id', 'occasion'])
          .execute();
        await db.schema
          .createTable('mfa_reminder_accounts')
          .addColumn('account_id', 'text', (c) => c.primaryKey())
          .addColumn('scanned_at', 'bigint')
          .addColumn('due_at', 'bigint')
          .addColumn('manual_at', 'bigint')
          .execute();
        await db.schema
          .createTable('mfa_nudges')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('snoozes', 'integer', (c) => c.notNull())
          .addColumn('snoozed_until', 'bigint')
          .addPrimaryKeyConstraint('mfa_nudges_pk', ['user_id', 'kind'])
          .execute();
      },
    },
    // SQLite only: the table a D1 batch's check writes to when what its write read has changed
    // (d1.ts). Its constraint refuses every row, so the failed check rolls the batch back.
    '0009_guards': {
      async up(db: Kysely<unknown>) {
        if (flavour === 'sqlite') await createGuards(db).execute();
      },
    },
  };
}

/**
 * A database that refuses `BEGIN` as Cloudflare D1 does ("use the state.storage.transaction()
 * … APIs"): the store was not given the binding, which it needs to write atomically there.
 */
function refusedBegin(error: unknown): never {
  if (/state\.storage\.transaction|D1_ERROR/.test(String((error as Error)?.message))) {
    throw new MfaConfigError(
      "kyselyStore: the database refuses BEGIN, as Cloudflare D1 does. Pass its binding as `d1`: kyselyStore(db, { dialect: 'sqlite', d1: env.DB }).",
    );
  }
  throw error;
}

/** `mfa_guards` (migration 0009), made when missing: D1's migrations check with it too. */
export function createGuards(db: Kysely<unknown>) {
  return db.schema
    .createTable('mfa_guards')
    .ifNotExists()
    .addColumn('state_changed', 'integer')
    .addCheckConstraint('mfa_state_changed', sql`state_changed is null`);
}

/** Applies the pending migrations; safe to call from several processes at once. */
export async function migrateToLatest(db: Kysely<unknown>, flavour: SqlFlavour): Promise<void> {
  if (flavour === 'postgres') {
    // Kysely's Migrator takes an advisory lock for the migrations themselves and tolerates a
    // racing CREATE of its own tables. Unless told the schema, though, it takes a migration
    // table in any schema for its own: name the connection's current one.
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    return runMigrator(db, flavour, rows[0]?.schema ?? undefined);
  }
  // Kysely migrates SQLite outside any transaction and without a lock, so two processes
  // opening a new file would both create the tables; a write lock taken first serialises them.
  await db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection).catch(refusedBegin);
    try {
      await runMigrator(connection, flavour);
      await sql`commit`.execute(connection);
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}

async function runMigrator(db: Kysely<unknown>, flavour: SqlFlavour, schema?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(flavour) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'mfa_migration',
    migrationLockTableName: 'mfa_migration_lock',
    // Migrations are append-only but may land out of name order (a 0002 after a 0003 that
    // some database already ran); each stands alone, so whichever is missing runs.
    allowUnorderedMigrations: true,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
