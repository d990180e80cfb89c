/**
 * The store conformance suite on PostgreSQL (needs `DATABASE_URL`; see
 * vitest.config.ts): once with a pool the store opens itself, once with a
 * host's pool. Each run has a schema of its own, and every test a fresh store
 * (a new pool) on it.
 */
import { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/postgres.ts';
import { runStoreConformance } from '../../src/testing/index.ts';
import { testSchemas, urlWithSchema } from '../postgres.helpers.ts';

const schemas = testSchemas();
afterAll(() => schemas.close());

/** The schema of a run, created when its first test asks. */
function lazySchema(label: string): () => Promise<string> {
  let name: Promise<string> | undefined;
  return () => (name ??= schemas.create(label));
}

const ownPoolSchema = lazySchema('own_pool');
runStoreConformance('postgres, own pool', async () =>
  postgresStore({ connectionString: urlWithSchema(await ownPoolSchema()), max: 4 }),
);

const hostPoolSchema = lazySchema('host_pool');
const hostPools: Pool[] = [];
runStoreConformance(
  "postgres, host's pool",
  async () => {
    const pool = new Pool({ connectionString: urlWithSchema(await hostPoolSchema()), max: 4 });
    hostPools.push(pool);
    return postgresStore({ pool });
  },
  {
    // The store leaves a host's pool open: it must still answer after close().
    cleanup: async () => {
      for (const pool of hostPools.splice(0)) {
        expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        await pool.end();
      }
    },
  },
);

describe('postgresStore', () => {
  it('refuses options without a connection string or pool', () => {
    expect(() => postgresStore({ connectionString: '' })).toThrow(TypeError);
  });

  it('creates its tables in the schema of its connection, apart from other schemas', async () => {
    const [a, b] = [await schemas.create('apart_a'), await schemas.create('apart_b')];
    const storeA = postgresStore({ connectionString: urlWithSchema(a) });
    const storeB = postgresStore({ connectionString: urlWithSchema(b) });
    try {
      await storeA.putPendingTotp({ userId: 'ada', secret: 'in-a', expiresAt: new Date(1000) });
      // B migrates after A: A's tables (in another schema) must not pass for B's.
      await storeB.putPendingTotp({ userId: 'ada', secret: 'in-b', expiresAt: new Date(2000) });
      expect((await storeA.getPendingTotp('ada'))?.secret).toBe('in-a');
      expect((await storeB.getPendingTotp('ada'))?.secret).toBe('in-b');
    } finally {
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });
});
