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
    expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(200);
    const access = await h.json('GET', '/mfa/accounts/acme/access', { as: 'max' });
    expect(access.body.reason).toBe('enrollment_required');
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
