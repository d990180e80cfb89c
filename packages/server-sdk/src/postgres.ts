/**
 * `@mfakit/server-sdk/postgres`: the store for several instances, PostgreSQL
 * through `pg` (Node's sockets, hence its own entry: the core runs where `pg`
 * cannot). The host installs `pg`; importing this entry does not load it.
 */
export { type PostgresStoreOptions, postgresStore } from './store/sql/postgres.ts';
