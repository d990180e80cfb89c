/**
 * `GET /accounts/:accountId/members` (v2): a page of an account's members for its
 * administrators, by display name, with the filters All / Without MFA / Overdue,
 * a search, and the account's counts. Pages are keyed by the last member shown, so
 * an administrator paging while members join and leave sees every member who stayed
 * exactly once. Only administrators whose own access decision allows may list.
 */
import { describe, expect, it } from 'vitest';
import { createHarness, defaultDirectory, expectError, type Harness, storeFactories } from '../support.ts';

const DAY = 86_400;

/** Acme with `n` more members, `m00` … `m<n-1>`, named so that their order is known. */
function bigDirectory(n: number) {
  const dir = defaultDirectory();
  const acme = dir.memberships.acme as Record<string, 'admin' | 'member'>;
  for (let i = 0; i < n; i++) {
    const id = `m${String(i).padStart(2, '0')}`;
    dir.users[id] = { email: `${id}@acme.test`, displayName: `Member ${String(i).padStart(2, '0')}` };
    acme[id] = 'member';
  }
  return dir;
}

type Page = {
  members: { userId: string; displayName: string; overdue: boolean; enrolled: boolean }[];
  nextCursor: string | null;
  counts: Record<string, number>;
};

const list = async (h: Harness, query = '', as = 'ada') => {
  const res = await h.json<Page>('GET', `/mfa/accounts/acme/members${query}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

/** Every page from the first, `limit` at a time, with `between` run after each page. */
async function allPages(h: Harness, query: string, between?: (page: number) => void) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const body: Page = await list(h, `?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    ids.push(...body.members.map((m) => m.userId));
    cursor = body.nextCursor;
    if (!cursor) return ids;
    between?.(page);
  }
  throw new Error('paging never ended');
}

async function enrollAndRequire(h: Harness, gracePeriodDays: number) {
  await h.enroll('ada');
  const res = await h.json('PUT', '/mfa/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'required_all', gracePeriodDays },
  });
  expect(res.status).toBe(200);
}

describe.each(storeFactories)('on the %s store', (_store, makeStore) => {
  const harness = (n = 0, ttl = 0) =>
    createHarness({ store: makeStore(), policyCacheTtl: ttl }, bigDirectory(n));

  it('pages through the members by display name, 50 by default, with the counts', async () => {
    const h = harness(60);
    const first = await list(h);
    expect(first.members).toHaveLength(50);
    expect(first.members.slice(0, 3).map((m) => m.displayName)).toEqual([
      'Ada Admin',
      'Max Member',
      'Member 00',
    ]);
    expect(first.counts).toEqual({ members: 63, enrolled: 0, withoutMfa: 63, overdue: 0 });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(h, `?cursor=${first.nextCursor}`);
    expect(second.members.map((m) => m.displayName)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `Member ${String(48 + i)}`),
      'Sam Shared',
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it('orders equal names by user id and ignores case', async () => {
    const h = harness(3);
    h.dir.users.m00 = { email: 'x@acme.test', displayName: 'bea' };
    h.dir.users.m01 = { email: 'y@acme.test', displayName: 'Bea' };
    h.dir.users.m02 = { email: 'z@acme.test', displayName: 'BEA' };
    expect(await allPages(h, 'limit=1')).toEqual(['ada', 'm00', 'm01', 'm02', 'max', 'sam']);
  });

  it('shows every member who stays exactly once while others join and leave between pages', async () => {
    for (const ttl of [0, 5]) {
      const h = harness(20, ttl);
      const acme = h.dir.memberships.acme as Record<string, 'admin' | 'member'>;
      const stayed = new Set(Object.keys(acme));
      const seen = await allPages(h, 'limit=4', (page) => {
        // One joins before the cursor, one after it; one who was not shown yet leaves.
        for (const name of [`Aaron ${page}`, `Zed ${page}`]) {
          const id = `new-${name.replace(' ', '')}`;
          h.dir.users[id] = { email: `${id}@acme.test`, displayName: name };
          acme[id] = 'member';
        }
        const leaving = `m${String(19 - page).padStart(2, '0')}`;
        delete acme[leaving];
        stayed.delete(leaving);
      });
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of stayed) expect(seen, `ttl ${ttl}`).toContain(id);
      expect(seen.filter((id) => id.startsWith('new-Aaron'))).toEqual([]); // joined behind the cursor
    }
  });

  it('filters by status, each with its count', async () => {
    const h = harness(4);
    await h.enroll('m00');
    await enrollAndRequire(h, 1);
    // max and m01 begin their grace now; m02 two days later; m03 and sam are not evaluated.
    for (const user of ['max', 'm01']) await h.json('GET', '/mfa/accounts/acme/access', { as: user });
    h.advance(2 * DAY);
    await h.json('GET', '/mfa/accounts/acme/access', { as: 'm02' });
    await h.verify('ada');
    const counts = { members: 7, enrolled: 2, withoutMfa: 5, overdue: 2 };
    const all = await list(h, '?status=all');
    expect(all.counts).toEqual(counts);
    expect(all.members.map((m) => m.userId)).toEqual(['ada', 'max', 'm00', 'm01', 'm02', 'm03', 'sam']);
    const without = await list(h, '?status=without_mfa');
    expect(without.members.map((m) => m.userId)).toEqual(['max', 'm01', 'm02', 'm03', 'sam']);
    expect(without.counts).toEqual(counts);
    const overdue = await list(h, '?status=overdue');
    expect(overdue.members.map((m) => [m.userId, m.overdue])).toEqual([
      ['max', true],
      ['m01', true],
    ]);
    expect(all.members.find((m) => m.userId === 'm02')).toMatchObject({ overdue: false, enrolled: false });
    expect(await allPages(h, 'status=without_mfa&limit=2')).toEqual(without.members.map((m) => m.userId));
  });

  it('lists an app alone as without MFA where the account accepts only passkeys', async () => {
    const h = harness(0);
    await h.enroll('ada');
    await h.enroll('max');
    const res = await h.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'optional', allowedFactors: 'phishing_resistant' },
    });
    expect(res.status).toBe(200);
    const body = await list(h);
    expect(body.counts).toEqual({ members: 3, enrolled: 2, withoutMfa: 3, overdue: 0 });
    expect(body.members.find((m) => m.userId === 'max')).toMatchObject({ enrolled: true, methods: ['totp'] });
    const without = await list(h, '?status=without_mfa');
    expect(without.members.map((m) => m.userId)).toEqual(['ada', 'max', 'sam']);
  });

  it('searches names and emails, in any case, and pages the results', async () => {
    const h = harness(12);
    h.dir.users.m05 = { email: 'grace.HOPPER@navy.test', displayName: 'Grace Hopper' };
    expect((await list(h, '?q=hopper')).members.map((m) => m.userId)).toEqual(['m05']);
    expect((await list(h, '?q=NAVY.test')).members.map((m) => m.userId)).toEqual(['m05']);
    expect((await list(h, '?q=%20member%201')).members.map((m) => m.displayName)).toEqual([
      'Member 10',
      'Member 11',
    ]);
    expect(await allPages(h, 'q=member&limit=3')).toHaveLength(12); // Max Member and Member 00 … 11 but 05
    const none = await list(h, '?q=nobody');
    expect(none).toMatchObject({ members: [], nextCursor: null });
    expect(none.counts.members).toBe(15);
    // The text is searched as it is: a dot is a dot, brackets and stars are letters.
    expect((await list(h, '?q=navy.tes')).members.map((m) => m.userId)).toEqual(['m05']);
    expect((await list(h, '?q=navyxtest')).members).toEqual([]);
    h.dir.users.m06 = { email: 'star@x.test', displayName: 'A*(b) [c] +d$ \\e' };
    expect(
      (await list(h, `?q=${encodeURIComponent('*(B) [C] +D$ \\')}`)).members.map((m) => m.userId),
    ).toEqual(['m06']);
    expect((await list(h, '?q=.*')).members).toEqual([]);
  });

  it('searches within a filter', async () => {
    const h = harness(4);
    await enrollAndRequire(h, 1);
    for (const user of ['max', 'm01', 'm02']) await h.json('GET', '/mfa/accounts/acme/access', { as: user });
    h.advance(2 * 86_400);
    await h.verify('ada');
    expect((await list(h, '?status=overdue')).members.map((m) => m.userId)).toEqual(['max', 'm01', 'm02']);
    expect((await list(h, '?status=overdue&q=member%200')).members.map((m) => m.userId)).toEqual([
      'm01',
      'm02',
    ]);
    expect((await list(h, '?status=overdue&q=m02%40')).members.map((m) => m.userId)).toEqual(['m02']);
  });

  it('refuses query values it does not know with invalid_request', async () => {
    const h = harness(0);
    for (const query of [
      '?limit=0',
      '?limit=201',
      '?limit=abc',
      '?limit=1.5',
      '?status=enrolled',
      '?cursor=not-a-cursor',
      '?cursor=%25%25',
      `?cursor=${'a'.repeat(1001)}`,
      `?q=${'x'.repeat(201)}`,
      '?page=2',
    ]) {
      const res = await h.json('GET', `/mfa/accounts/acme/members${query}`, { as: 'ada' });
      expectError(res, 'invalid_request');
    }
    expect((await list(h, '?limit=200')).members).toHaveLength(3);
  });

  it('answers only administrators whose own access decision allows', async () => {
    const h = harness(0);
    expectError(await h.json('GET', '/mfa/accounts/acme/members', { as: 'max' }), 'not_admin');
    expectError(await h.json('GET', '/mfa/accounts/acme/members', { as: 'cleo' }), 'not_member');
    expectError(await h.json('GET', '/mfa/accounts/acme/members'), 'unauthenticated');
    await enrollAndRequire(h, 0);
    // The administrator's session is verified; another session of theirs is not.
    expect((await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' })).status).toBe(200);
    expectError(
      await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada', session: 'ada-s2' }),
      'challenge_required',
    );
    // A second administrator without MFA, past a grace of 0 days.
    (h.dir.memberships.acme as Record<string, 'admin' | 'member'>).max = 'admin';
    expectError(await h.json('GET', '/mfa/accounts/acme/members', { as: 'max' }), 'enrollment_required');
  });
});
