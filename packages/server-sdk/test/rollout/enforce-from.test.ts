/**
 * A policy's start date (`enforceFrom`) through the API: checked when saved, nothing enforced
 * before it, the grace period counted from it for members seen before it, and from first access
 * for a member who joins after it; the policy, `GET /me`, the members list and the audit trail
 * say it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectError, storeFactories } from '../support.ts';
import { DAY, DAY_S, type RolloutPortal, rolloutPortal, savePolicy } from './rollout.support.ts';

describe.each(storeFactories)('a start date on the %s store', (_name, makeStore) => {
  let h: RolloutPortal;
  afterEach(async () => {
    await h.mfa.close();
  });
  const ahead = (days: number) => new Date(h.clock.now.getTime() + days * DAY);
  const access = (as: string) => h.json('GET', '/mfa/accounts/acme/access', { as });

  it('is checked when saved: in the future, at most a year ahead, with a requiring mode', async () => {
    h = await rolloutPortal({ store: makeStore() });
    await h.verify('ada');
    const put = (body: Record<string, unknown>) =>
      h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body });
    for (const body of [
      { mode: 'required_all', enforceFrom: ahead(-1).toISOString() },
      { mode: 'required_all', enforceFrom: h.clock.now.toISOString() },
      { mode: 'required_all', enforceFrom: ahead(366).toISOString() },
      { mode: 'optional', enforceFrom: ahead(3).toISOString() },
    ]) {
      const refused = expectError(await put(body), 'invalid_request');
      expect(refused.details).toEqual([expect.objectContaining({ path: ['enforceFrom'] })]);
    }
    expectError(await put({ mode: 'required_all', enforceFrom: '11 December' }), 'invalid_request');
    expect(h.events.filter((e) => e.type === 'policy.updated')).toEqual([]);

    const saved = await put({ mode: 'required_all', enforceFrom: ahead(365).toISOString() });
    expect(saved.status).toBe(200);
    expect(saved.body.enforceFrom).toBe(ahead(365).toISOString());
    expect((await h.json('GET', '/mfa/accounts/acme/policy', { as: 'max' })).body.enforceFrom).toBe(
      ahead(365).toISOString(),
    );
  });

  it('may be sent back unchanged once it has passed (another setting edited)', async () => {
    h = await rolloutPortal({ store: makeStore() });
    const from = ahead(2).toISOString();
    await savePolicy(h, { mode: 'required_all', enforceFrom: from });
    h.advance(3 * DAY_S);
    const edited = await savePolicy(h, { mode: 'required_all', gracePeriodDays: 14, enforceFrom: from });
    expect(edited).toMatchObject({ enforceFrom: from, gracePeriodDays: 14 });
    const events = h.events.filter((e) => e.type === 'policy.updated');
    expect(events.at(0)?.after).toMatchObject({ mode: 'required_all', enforceFrom: from });
    expect(events.at(-1)?.before).toMatchObject({ enforceFrom: from });
  });

  it('the day before, the day of, and a member who joins after it', async () => {
    h = await rolloutPortal({ store: makeStore() });
    const from = ahead(1);
    await savePolicy(h, { mode: 'required_all', gracePeriodDays: 7, enforceFrom: from.toISOString() });
    const deadline = new Date(from.getTime() + 7 * DAY).toISOString();

    // The day before: max is let in, told from when and by when.
    expect((await access('max')).body).toEqual({
      allow: true,
      reason: 'not_required',
      enforceFrom: from.toISOString(),
      deadline,
    });
    expect((await h.request('GET', '/accounts/acme/area', { as: 'max' })).status).toBe(200);
    const me = await h.json('GET', '/mfa/me', { as: 'max' });
    expect(me.body.requiredBy).toEqual([
      expect.objectContaining({ accountId: 'acme', enforceFrom: from.toISOString(), deadline }),
    ]);
    const members = await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' });
    const max = members.body.members.find((m: { userId: string }) => m.userId === 'max');
    expect(max).toMatchObject({ deadline, overdue: false });

    // The day of: his grace period runs from the start date, not from now.
    h.clock.now = new Date(from.getTime() + 3 * DAY);
    expect((await access('max')).body).toMatchObject({ allow: true, reason: 'grace_period', deadline });
    expect((await h.json('GET', '/mfa/me', { as: 'max' })).body.requiredBy[0].enforceFrom).toBeNull();
    h.clock.now = new Date(Date.parse(deadline));
    expect((await access('max')).body).toMatchObject({
      allow: false,
      reason: 'enrollment_required',
      deadline,
    });

    // Nadia joins ten days after the start date: her grace period runs from her first access.
    h.dir.users.nadia = { email: 'nadia@acme.test', displayName: 'Nadia New' };
    (h.dir.memberships.acme as Record<string, 'member'>).nadia = 'member';
    const joined = new Date(h.clock.now);
    expect((await access('nadia')).body).toMatchObject({
      reason: 'grace_period',
      deadline: new Date(joined.getTime() + 7 * DAY).toISOString(),
    });
  });
});
