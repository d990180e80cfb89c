import { createRequire } from 'node:module';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { MfaConfigError } from '../../errors.ts';
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
      pool: PostgresPool;
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
 * @throws MfaConfigError when `connectionString` is given and the package `pg` is not installed
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
  const { Pool } = pg();
  const pool = new Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  // An idle connection that the server drops emits 'error' on the pool; unheard, it would end the process.
  // The pool discards that connection and the next query opens a new one.
  pool.on('error', (error) => console.error('mfakit: PostgreSQL connection lost:', error.message));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return sqlStore(db, 'postgres', () => db.destroy());
}

/** What the store uses of the package `pg`. */
interface Pg {
  Pool: new (config: {
    connectionString: string;
    max: number;
  }) => PostgresPool & {
    on(event: 'error', listener: (error: Error) => void): unknown;
  };
}

/**
 * The package `pg`, an optional peer dependency: loaded when a store connects
 * by itself, never when the entry is imported, nor when the host passes its pool.
 */
function pg(): Pg {
  try {
    return createRequire(import.meta.url)('pg');
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: string };
    if (code !== 'MODULE_NOT_FOUND' || !message?.includes("'pg'")) throw error;
    throw new MfaConfigError('postgresStore needs the package pg: npm install pg');
  }
}
