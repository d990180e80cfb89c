/**
 * The store on a Kysely database: one implementation for SQLite, PostgreSQL and D1. Its
 * atomic writes are plans (`planned-writes.ts`) run by the engine the database allows (a
 * transaction, SQLite's synchronous transaction, a D1 batch); its other methods are one
 * statement each (`queries/`). Atomicity never comes from a read followed by a write in
 * JavaScript outside a plan's lock or check, so it holds across processes that share the
 * database.
 */
import type { Kysely } from 'kysely';
import type { MfaStore } from '../store.ts';
import type { D1DatabaseLike } from './d1.ts';
import { migrateD1 } from './d1-migrations.ts';
import { d1Engine } from './engines/d1-batch.ts';
import { transactionEngine } from './engines/transaction.ts';
import { migrateToLatest, type SqlFlavour } from './migrations.ts';
import type { Engine } from './plan.ts';
import { plannedWrites } from './planned-writes.ts';
import { accessQueries } from './queries/access.ts';
import { hotStatements, type QueryContext } from './queries/context.ts';
import { deliveriesQueries } from './queries/deliveries.ts';
import { factorsQueries } from './queries/factors.ts';
import { recordsQueries } from './queries/records.ts';
import { rolloutQueries } from './queries/rollout.ts';
import { webauthnQueries } from './queries/webauthn.ts';
import type { Database } from './schema.ts';
import { settleStatements } from './settle-statements.ts';

export interface SqlStoreOptions {
  /** On D1: the binding, whose batches are the engine (it refuses transactions). */
  d1?: D1DatabaseLike | undefined;
  /** Another engine for the plans (SQLite's synchronous one), given `ready`. */
  engine?: (ready: () => Promise<void>) => Engine;
}

export function sqlStore(
  db: Kysely<Database>,
  flavour: SqlFlavour,
  onClose: () => Promise<void>,
  { d1, engine }: SqlStoreOptions = {},
): MfaStore {
  let migrated: Promise<void> | undefined;
  const migrate = () => (d1 ? migrateD1(d1) : migrateToLatest(db as unknown as Kysely<unknown>, flavour));
  const ready = () => {
    migrated ??= migrate().catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  };
  const q = async () => {
    await ready();
    return db;
  };
  const settling = settleStatements(db, flavour);
  const context: QueryContext = { db, flavour, ready, q, hot: hotStatements(db, flavour), settling };
  const run = engine ? engine(ready) : d1 ? d1Engine(db, d1, ready) : transactionEngine(db, flavour, ready);
  return {
    migrate: ready,
    close: onClose,
    ...factorsQueries(context),
    ...webauthnQueries(context),
    ...accessQueries(context),
    ...recordsQueries(context),
    ...deliveriesQueries(context),
    ...rolloutQueries(context),
    ...plannedWrites(db, flavour, run, settling),
  };
}
