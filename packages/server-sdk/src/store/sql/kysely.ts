import type { Kysely } from 'kysely';
import type { MfaStore } from '../store.ts';
import type { D1DatabaseLike } from './d1.ts';
import { sqlStore } from './kysely-store.ts';
import type { SqlFlavour } from './migrations.ts';
import type { Database } from './schema.ts';

export interface KyselyStoreOptions {
  /**
   * The SQL the database speaks: `'sqlite'` (better-sqlite3, bun:sqlite, Deno's
   * node:sqlite, D1…) or `'postgres'`.
   */
  dialect: SqlFlavour;
  /**
   * On Cloudflare D1 (`kysely-d1`), the D1 database itself (`env.DB`): D1 refuses
   * transactions, so the store makes its atomic writes as D1 batches, each checking
   * inside the batch that what its write read still holds. Its migrations then run
   * without a transaction.
   */
  d1?: D1DatabaseLike;
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
 *
 * @example
 * // Cloudflare Workers: D1 through kysely-d1
 * const db = new Kysely({ dialect: new D1Dialect({ database: env.DB }) });
 * createMfa({ store: kyselyStore(db, { dialect: 'sqlite', d1: env.DB }), ... });
 */
export function kyselyStore<DB>(db: Kysely<DB>, options: KyselyStoreOptions): MfaStore {
  if (options?.dialect !== 'sqlite' && options?.dialect !== 'postgres') {
    throw new TypeError("kyselyStore: `dialect` is 'sqlite' or 'postgres'.");
  }
  if (options.d1 && (options.dialect !== 'sqlite' || typeof options.d1.batch !== 'function')) {
    throw new TypeError("kyselyStore: `d1` is a D1 database binding, with `dialect: 'sqlite'`.");
  }
  return sqlStore(db as unknown as Kysely<Database>, options.dialect, async () => {}, { d1: options.d1 });
}
