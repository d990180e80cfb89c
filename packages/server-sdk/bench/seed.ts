/**
 * Bulk inserts straight into the store's tables, for seeding benchmarks with
 * hundreds of thousands of rows in seconds: one prepared statement inside large
 * transactions on SQLite, `INSERT … SELECT FROM unnest(…)` batches on PostgreSQL.
 * The tables must exist (run the store's `migrate()` first).
 */
import Database from 'better-sqlite3';

type ColumnType = 'text' | 'bigint' | 'integer';

/** Column names and PostgreSQL types of the tables the benchmarks seed. */
export const tables = {
  mfa_policies: {
    account_id: 'text',
    mode: 'text',
    grace_period_days: 'integer',
    enforce_after_sso: 'integer',
    version: 'integer',
    updated_at: 'bigint',
    updated_by: 'text',
  },
  mfa_totp_factors: { user_id: 'text', secret: 'text', last_used_step: 'bigint', created_at: 'bigint' },
  mfa_recovery_codes: { user_id: 'text', code_hash: 'text', used_at: 'bigint' },
  mfa_verified_sessions: { user_id: 'text', session_id: 'text', verified_at: 'bigint' },
  mfa_grace: { account_id: 'text', user_id: 'text', started_at: 'bigint' },
  mfa_audit: {
    type: 'text',
    actor_id: 'text',
    user_id: 'text',
    account_id: 'text',
    before: 'text',
    after: 'text',
    at: 'bigint',
  },
} as const satisfies Record<string, Record<string, ColumnType>>;

export type Table = keyof typeof tables;
export type Row = (string | number | null)[];

export interface BulkWriter {
  /** Inserts the rows, in the column order of `tables[table]`, in batches. */
  insert(table: Table, rows: Iterable<Row>): Promise<number>;
  /** Refreshes the planner's statistics after a seed. */
  analyze(): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 20_000;

function* batches(rows: Iterable<Row>): Generator<Row[]> {
  let batch: Row[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export function sqliteWriter(filename: string): BulkWriter {
  const db = new Database(filename);
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = OFF');
  return {
    async insert(table, rows) {
      const columns = Object.keys(tables[table]);
      const statement = db.prepare(
        `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      );
      const insertMany = db.transaction((batch: Row[]) => {
        for (const row of batch) statement.run(row);
      });
      let count = 0;
      for (const batch of batches(rows)) {
        insertMany(batch);
        count += batch.length;
      }
      return count;
    },
    async analyze() {
      db.exec('analyze');
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async close() {
      db.close();
    },
  };
}

/**
 * `url` with its connections' `search_path` set to `schema`, after dropping and
 * recreating that schema: benchmarks seed their own schema, never the tables an
 * application may keep in the database that DATABASE_URL names.
 */
export async function freshPostgresSchema(url: string, schema: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return scoped.toString();
}

export async function postgresWriter(connectionString: string): Promise<BulkWriter> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString, max: 2 });
  return {
    async insert(table, rows) {
      const spec = Object.entries(tables[table]);
      const columns = spec.map(([name]) => name).join(', ');
      const unnest = spec.map(([, type], k) => `$${k + 1}::${type}[]`).join(', ');
      const text = `insert into ${table} (${columns}) select * from unnest(${unnest})`;
      let count = 0;
      for (const batch of batches(rows)) {
        await pool.query(
          text,
          spec.map((_, k) => batch.map((row) => row[k] ?? null)),
        );
        count += batch.length;
      }
      return count;
    },
    async analyze() {
      await pool.query('analyze');
    },
    close: () => pool.end(),
  };
}
