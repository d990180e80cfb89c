/**
 * The store conformance suite on Cloudflare D1: `kyselyStore` through kysely-d1 with
 * the D1 binding (`d1`), against the D1 database of a workerd that Miniflare runs. The
 * store's code runs here, in Node; every statement and batch runs in workerd's D1 (which
 * refuses BEGIN), so the atomic writes are D1's batches. One database for the run: each
 * test's ids are its own.
 *
 * A store makes the writes of one user one after another; Workers' isolates each have their
 * own store on the one database, and there the checks of the batches decide. So each test's
 * store here is four stores on the database, as four isolates would have, taking its calls in
 * turn: of concurrent calls, most race through different stores.
 */
import { kyselyStore, MfaConfigError, type MfaStore } from '@mfakit/server-sdk';
import { runStoreConformance } from '@mfakit/server-sdk/testing';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import { Miniflare } from 'miniflare';
import { afterAll, describe, expect, it } from 'vitest';

const miniflare = new Miniflare({
  modules: true,
  script: 'export default { fetch: () => new Response(null) }',
  compatibilityDate: '2026-04-01',
  compatibilityFlags: ['nodejs_compat'],
  d1Databases: ['DB', 'RACE', 'HALF'],
});
const d1 = await miniflare.getD1Database('DB');
afterAll(() => miniflare.dispose());

const d1Store = () =>
  kyselyStore(new Kysely({ dialect: new D1Dialect({ database: d1 }) }), { dialect: 'sqlite', d1 });

/** One store whose calls go to each of `stores` in turn (`migrate` and `close` to all). */
function inTurn(stores: MfaStore[]): MfaStore {
  let next = 0;
  return new Proxy(stores[0] as MfaStore, {
    get(first, property: keyof MfaStore) {
      if (property === 'migrate' || property === 'close') {
        return async () => {
          for (const store of stores) await store[property]();
        };
      }
      if (typeof first[property] !== 'function') return first[property];
      return (...args: unknown[]) => {
        const store = stores[next++ % stores.length] as MfaStore;
        return (store[property] as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}

runStoreConformance('D1 (kysely-d1, batches), four isolates', () =>
  inTurn([d1Store(), d1Store(), d1Store(), d1Store()]),
);

type D1Database = Awaited<ReturnType<Miniflare['getD1Database']>>;

const on = (d1: D1Database) =>
  kyselyStore(new Kysely({ dialect: new D1Dialect({ database: d1 }) }), { dialect: 'sqlite', d1 });
const names = async (d1: D1Database, sql: string) =>
  ((await d1.prepare(sql).all()).results as { name: string }[]).map((row) => row.name);

describe('kyselyStore on D1', () => {
  it('migrates a new database once, whatever the number of isolates racing to', async () => {
    const race = await miniflare.getD1Database('RACE');
    const stores = Array.from({ length: 8 }, () => on(race));
    await Promise.all(stores.map((store) => store.migrate()));
    const applied = await names(race, 'select name from mfa_migration order by name');
    expect(applied).toHaveLength(new Set(applied).size);
    expect(applied.at(-1)).toBe('0013_rollout');
    expect(applied).toContain('0001_initial');
    // Every store works on the tables the one migration made.
    await stores[3]?.putMeta('k', 'v', null);
    expect(await stores[5]?.getMeta('k')).toBe('v');
  });

  it('applies a migration whole or not at all', async () => {
    const half = await miniflare.getD1Database('HALF');
    // A table of that name already there: the first migration fails at its last table.
    await half.prepare('create table mfa_audit (x integer)').run();
    await expect(on(half).migrate()).rejects.toThrow(/mfa_audit/);
    const tables = await names(
      half,
      "select name from sqlite_master where type = 'table' and name like 'mfa_%'",
    );
    expect(tables.sort()).toEqual(['mfa_audit', 'mfa_guards', 'mfa_migration']);
    expect(await names(half, 'select name from mfa_migration')).toEqual([]);
  });

  it('is on a database that refuses transactions', async () => {
    await expect(d1.prepare('begin').run()).rejects.toThrow(/transaction/i);
  });

  it('without the binding as `d1`, says what is missing (a configuration error, before any write)', async () => {
    const store = kyselyStore(new Kysely({ dialect: new D1Dialect({ database: d1 }) }), {
      dialect: 'sqlite',
    });
    const refused = store.migrate();
    await expect(refused).rejects.toBeInstanceOf(MfaConfigError);
    await expect(refused).rejects.toThrow(
      "Pass its binding as `d1`: kyselyStore(db, { dialect: 'sqlite', d1: env.DB })",
    );
  });

  it('refuses a D1 binding with the postgres dialect', () => {
    const db = new Kysely({ dialect: new D1Dialect({ database: d1 }) });
    expect(() => kyselyStore(db, { dialect: 'postgres', d1 })).toThrow(TypeError);
  });
});
