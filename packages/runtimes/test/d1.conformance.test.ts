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
import { kyselyStore, type MfaStore } from '@mfakit/server-sdk';
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
  d1Databases: ['DB'],
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

describe('kyselyStore on D1', () => {
  it('is on a database that refuses transactions', async () => {
    await expect(d1.prepare('begin').run()).rejects.toThrow(/transaction/i);
  });

  it('refuses a D1 binding with the postgres dialect', () => {
    const db = new Kysely({ dialect: new D1Dialect({ database: d1 }) });
    expect(() => kyselyStore(db, { dialect: 'postgres', d1 })).toThrow(TypeError);
  });
});
