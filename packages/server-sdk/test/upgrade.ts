/**
 * A database as an older mfakit left it: only the migrations named in `applied`
 * have run. The upgrade tests write into such a database the way that version
 * did, then open today's store on it.
 */
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
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
