import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { MfaStore } from '../store.ts';
import { sqlStore } from './kysely-store.ts';
import type { Database as Schema } from './schema.ts';

export type PostgresStoreOptions =
  | {
      /** `postgres://user:password@host:5432/database`; the store opens and closes its own pool. */
      connectionString: string;
      /** Connections in the store's pool, default 10. */
      max?: number;
    }
  | {
      /** A `pg.Pool` of the host's; `close()` leaves it open, its owner ends it. */
      pool: Pool;
    };

/**
 * The store for hosts that run several instances: PostgreSQL through `pg` and
 * Kysely, the same statements as the SQLite store. Every atomic guarantee of
 * `MfaStore` holds across processes that share the database. Tables are
 * created on first use in the connection's current schema (the first of its
 * `search_path`), and several instances may start and migrate at once.
 *
 * @param options.connectionString the database to connect to, with a pool of `max` (default 10)
 * @param options.pool or a `pg.Pool` the host owns (to set TLS, timeouts or `options: '-c search_path=mfa'`)
 * @example
 * createMfa({ store: postgresStore({ connectionString: process.env.DATABASE_URL! }), ... });
 */
export function postgresStore(options: PostgresStoreOptions): MfaStore {
  if ('pool' in options) {
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: options.pool }) });
    // Kysely's destroy() would end the pool, which is the host's to end.
    return sqlStore(db, 'postgres', async () => {});
  }
  if (typeof options.connectionString !== 'string' || options.connectionString === '') {
    throw new TypeError('postgresStore: `connectionString` or `pool` is required.');
  }
  const pool = new Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  // An idle connection that the server drops emits 'error' on the pool; unheard, it would end the process.
  // The pool discards that connection and the next query opens a new one.
  pool.on('error', (error) => console.error('mfakit: PostgreSQL connection lost:', error.message));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return sqlStore(db, 'postgres', () => db.destroy());
}
