/**
 * A reset must not hand a member a fresh grace period where the policy already
 * requires MFA of them (else resetting would be a way around the policy), but a
 * reset done while nothing was required leaves the member the same days as
 * everyone else once a policy starts requiring MFA.
 */
import { describe, expect, it } from 'vitest';
import { createHarness, storeFactories } from '../support.ts';

describe.each(storeFactories)('grace after a reset on the %s store', (_name, makeStore) => {
  it('is forfeited where the policy requires MFA at the time of the reset', async () => {
    const h = createHarness({ store: makeStore() });
    await h.enroll('ada');
    await h.enroll('max');
    expect(
      (await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } }))
        .status,
    ).toBe(200);
    h.advance(3 * 86_400);
    await h.verify('ada');
    const resetAt = h.clock.now.toISOString();
    expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(200);
    const access = await h.json('GET', '/mfa/accounts/acme/access', { as: 'max' });
    // Its deadline is the reset's time, not a date invented before it.
    expect(access.body).toMatchObject({ reason: 'enrollment_required', deadline: resetAt });
    const listed = await h.json('GET', '/mfa/accounts/acme/members?status=overdue', { as: 'ada' });
    expect(listed.body.members).toEqual([
      expect.objectContaining({ userId: 'max', deadline: resetAt, overdue: true, resetAt }),
    ]);
    const others = await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' });
    expect(others.body.members.find((m: { userId: string }) => m.userId === 'ada')).toMatchObject({
      resetAt: null,
    });
    expect((await h.json('GET', '/mfa/me', { as: 'max' })).body.requiredBy).toEqual([
      {
        accountId: 'acme',
        accountName: 'Acme',
        deadline: resetAt,
        resetAt,
        accepts: ['totp', 'webauthn'],
        enforceFrom: null,
      },
    ]);
    // Lengthening the grace period later gives the reset member no days back.
    await h.verify('ada');
    await h.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all', gracePeriodDays: 90 },
    });
    const after = await h.json('GET', '/mfa/accounts/acme/access', { as: 'max' });
    expect(after.body).toMatchObject({ reason: 'enrollment_required', deadline: resetAt });
  });

  it('keeps the deadline of a grace period that had already ended before the reset', async () => {
    const h = createHarness({ store: makeStore() });
    await h.enroll('ada');
    await h.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all', gracePeriodDays: 2 },
    });
    const started = h.clock.now.getTime();
    expect((await h.json('GET', '/mfa/accounts/acme/access', { as: 'max' })).body.reason).toBe(
      'grace_period',
    );
    h.advance(5 * 86_400);
    await h.enroll('max');
    await h.verify('ada');
    expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(200);
    const access = await h.json('GET', '/mfa/accounts/acme/access', { as: 'max' });
    expect(access.body).toMatchObject({
      reason: 'enrollment_required',
      deadline: new Date(started + 2 * 86_400_000).toISOString(),
    });
  });

  it('is kept for a policy that starts requiring MFA after the reset', async () => {
    const h = createHarness({ store: makeStore() });
    await h.enroll('ada');
    await h.enroll('max');
    expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(200);
    expect(
      (await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } }))
        .status,
    ).toBe(200);
    const access = await h.json('GET', '/mfa/accounts/acme/access', { as: 'max' });
    expect(access.body.reason).toBe('grace_period');
  });
});
