/**
 * The members list on two instances sharing one PostgreSQL database (needs DATABASE_URL),
 * each with its own pool and cache, as behind a load balancer: a write of the facts on one
 * (a reset, an enrollment) shows on the other's next page within policyCacheTtl, since it
 * moves the store's facts version in its own transaction; while the version stays, a page
 * past policyCacheTtl reads no member's facts again.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { MfaStore } from '../../src/index.ts';
import { postgresStore } from '../../src/postgres.ts';
import { testSchemas, urlWithSchema } from '../postgres.helpers.ts';
import { createHarness, type Harness } from '../support.ts';

const schemas = testSchemas();
afterAll(() => schemas.close());

/** The store with the account-wide reads of members' facts (more than one user at a time) counted. */
function countingAccountReads(inner: MfaStore) {
  const counts = { accountReads: 0 };
  const store: MfaStore = {
    ...inner,
    getEnrollments: (ids) => {
      if (ids.length > 1) counts.accountReads++;
      return inner.getEnrollments(ids);
    },
    getGraceStarts: (accountId, ids) => {
      if (ids.length > 1) counts.accountReads++;
      return inner.getGraceStarts(accountId, ids);
    },
  };
  return { store, counts };
}

describe('the members list on two instances sharing PostgreSQL', () => {
  const open: Harness[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const h of open.splice(0)) await h.mfa.close();
  });

  it("shows the other instance's writes at once and reads nothing again while the version stays", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const url = urlWithSchema(await schemas.create('members_cache'));
    const a = createHarness({ store: postgresStore({ connectionString: url, max: 2 }), policyCacheTtl: 5 });
    const counted = countingAccountReads(postgresStore({ connectionString: url, max: 2 }));
    const b = createHarness({ store: counted.store, policyCacheTtl: 5 });
    open.push(a, b);
    await a.mfa.ready();
    await b.mfa.ready();
    const methodsOf = async (user: string) => {
      b.clock.now = new Date(a.clock.now);
      const res = await b.json<{ members: { userId: string; methods: string[] }[] }>(
        'GET',
        '/mfa/accounts/acme/members',
        { as: 'ada' },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.members.find((m) => m.userId === user)?.methods;
    };

    await a.enroll('ada');
    await a.enroll('max');
    expect(await methodsOf('max')).toEqual(['totp']);
    expect(counted.counts.accountReads).toBe(2);
    await a.mfa.resetUser('max');
    expect(await methodsOf('max')).toEqual([]);
    expect(counted.counts.accountReads).toBe(4);
    await a.enroll('sam');
    expect(await methodsOf('sam')).toEqual(['totp']);
    expect(counted.counts.accountReads).toBe(6);
    // Pages on the same version read no member's facts, within the TTL or past it.
    expect(await methodsOf('sam')).toEqual(['totp']);
    vi.setSystemTime(Date.now() + 6_000);
    expect(await methodsOf('sam')).toEqual(['totp']);
    expect(counted.counts.accountReads).toBe(6);
  });
});
