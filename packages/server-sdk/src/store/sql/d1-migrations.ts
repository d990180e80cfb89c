/**
 * The migrations on Cloudflare D1, which refuses `BEGIN` (Kysely's Migrator needs it to
 * apply a migration whole, and its introspection reads D1's own `_cf_` tables, which D1
 * refuses): each migration as one batch, behind a check (d1.ts).
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely';
import { type D1DatabaseLike, failUnless, isStateChanged, sendTo } from './d1.ts';
import { createGuards, migrations } from './migrations.ts';

/** The table of applied migrations, as Kysely's Migrator keeps it on the other stores. */
const MIGRATION_TABLE = 'mfa_migration';

/**
 * The migrations on D1: each pending one (in name order, whichever is missing) as one batch
 * of its statements and its row in `mfa_migration`, behind a check that it is still missing.
 * A migration is then applied whole or not at all, and of isolates that race on a new database
 * one applies each: the others' checks fail, and they find it applied.
 */
export async function migrateD1(d1: D1DatabaseLike): Promise<void> {
  const recorder = recording();
  await recorder.db.schema
    .createTable(MIGRATION_TABLE)
    .ifNotExists()
    .addColumn('name', 'varchar(255)', (c) => c.notNull().primaryKey())
    .addColumn('timestamp', 'varchar(255)', (c) => c.notNull())
    .execute();
  await createGuards(recorder.db).execute();
  await sendTo(d1, recorder.take());
  const [applied = []] = await sendTo(d1, [CompiledQuery.raw(`select name from ${MIGRATION_TABLE}`)]);
  const done = new Set(applied.map((row) => row.name));
  for (const [name, migration] of Object.entries(migrations('sqlite')).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (done.has(name)) continue;
    await migration.up(recorder.db);
    const statements = [
      failUnless(sql`not exists (select 1 from ${sql.table(MIGRATION_TABLE)} where name = ${name})`).compile(
        recorder.db,
      ),
      ...recorder.take(),
      CompiledQuery.raw(`insert into ${MIGRATION_TABLE} (name, timestamp) values (?, ?)`, [
        name,
        new Date().toISOString(),
      ]),
    ];
    try {
      await sendTo(d1, statements);
    } catch (error) {
      // Another isolate applied it meanwhile.
      if (!isStateChanged(error)) throw error;
    }
  }
}

/**
 * A Kysely instance that runs nothing: it records the SQLite statements it is given (a
 * migration writes only, so it needs no answers), for a batch to send.
 */
function recording() {
  let recorded: CompiledQuery[] = [];
  const connection: DatabaseConnection = {
    async executeQuery(query) {
      recorded.push(query);
      return { rows: [] };
    },
    async *streamQuery() {},
  };
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createQueryCompiler: () => new SqliteQueryCompiler(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createDriver: () => ({
        init: async () => {},
        acquireConnection: async () => connection,
        beginTransaction: async () => {},
        commitTransaction: async () => {},
        rollbackTransaction: async () => {},
        releaseConnection: async () => {},
        destroy: async () => {},
      }),
    },
  });
  return {
    db,
    take(): CompiledQuery[] {
      const taken = recorded;
      recorded = [];
      return taken;
    },
  };
}
