import type { Kysely } from 'kysely';
import type { MfaStore } from '../store.ts';
import { sqlStore } from './kysely-store.ts';
import type { SqlFlavour } from './migrations.ts';
import type { Database } from './schema.ts';

export interface KyselyStoreOptions {
  /**
   * The SQL the database speaks: `'sqlite'` (better-sqlite3, bun:sqlite, Deno's
   * node:sqlite, D1…) or `'postgres'`.
   */
  dialect: SqlFlavour;
}

/**
 * The store on a Kysely instance the host brings, whatever its driver and runtime:
 * the statements, migrations and atomic guarantees of the SQLite and PostgreSQL
 * stores (tables are created on first use). `close()` leaves the Kysely instance
 * to its owner.
 *
 * @example
 * import { Database } from 'bun:sqlite';
 * import { BunSqliteDialect } from 'kysely-bun-sqlite';
 * const db = new Kysely({ dialect: new BunSqliteDialect({ database: new Database('mfa.db') }) });
 * createMfa({ store: kyselyStore(db, { dialect: 'sqlite' }), ... });
 */
export function kyselyStore<DB>(db: Kysely<DB>, options: KyselyStoreOptions): MfaStore {
  if (options?.dialect !== 'sqlite' && options?.dialect !== 'postgres') {
    throw new TypeError("kyselyStore: `dialect` is 'sqlite' or 'postgres'.");
  }
  return sqlStore(db as unknown as Kysely<Database>, options.dialect, async () => {});
}
