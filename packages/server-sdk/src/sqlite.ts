/**
 * `@mfakit/server-sdk/sqlite`: the embedded store, SQLite through better-sqlite3
 * (a native addon the host installs) or Node's built-in `node:sqlite` (Node ≥
 * 22.13). An entry of its own: the core runs where neither exists, and importing
 * this entry loads no driver; a store does, when it is made.
 */
export {
  type BetterSqlite3Database,
  type NodeSqliteDatabase,
  type SqliteDriver,
  type SqliteStoreOptions,
  sqliteStore,
} from './store/sql/sqlite.ts';
