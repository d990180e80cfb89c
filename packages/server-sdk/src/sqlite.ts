/**
 * `@mfakit/server-sdk/sqlite`: the embedded store on Node, SQLite through
 * better-sqlite3 (a native addon, hence its own entry: the core runs where it
 * cannot load).
 */
export { type SqliteStoreOptions, sqliteStore } from './store/sql/sqlite.ts';
