import { describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness } from '../support.ts';

describe.each([
  ['memory', () => undefined],
  ['sqlite', () => sqliteStore({ filename: ':memory:' })],
])('end to end on the %s store', (_name, makeStore) => {
  it('enrolls, requires, challenges and enforces', async () => {
    const store = makeStore();
    const h = createHarness(store ? { store } : {});
    const policy = await h.json('GET', '/mfa/accounts/acme/policy', { as: 'ada' });
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({
      mode: 'optional',
      version: 0,
      canManage: true,
      compliance: { members: 3, enrolled: 0 },
    });

    const refused = await h.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all' },
    });
    expect(refused.body.error.code).toBe('step_up_required');

    const { secret, recoveryCodes } = await h.enroll('ada');
    expect(recoveryCodes).toHaveLength(10);
    const put = await h.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all', version: 0 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      mode: 'required_all',
      version: 1,
      gracePeriodDays: 7,
      updatedBy: 'ada',
    });

    const grace = await h.json('GET', '/accounts/acme/area', { as: 'max' });
    expect(grace.status).toBe(200);
    expect(grace.body.decision.reason).toBe('grace_period');
    h.advance(8 * 86400);
    const after = await h.json('GET', '/accounts/acme/area', { as: 'max' });
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('enrollment_required');

    const adaArea = await h.json('GET', '/accounts/acme/area', { as: 'ada' });
    expect(adaArea.body.error.code).toBe('challenge_required');
    const code = await h.code(secret);
    const ok = await h.json('POST', '/mfa/challenge', { as: 'ada', body: { code } });
    expect(ok.status).toBe(200);
    const replay = await h.json('POST', '/mfa/challenge', { as: 'ada', session: 'ada-s2', body: { code } });
    expect(replay.body.error.code).toBe('invalid_code');
    expect((await h.json('GET', '/accounts/acme/area', { as: 'ada' })).status).toBe(200);
    const audit = await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada' });
    expect(audit.body.events.map((e: { type: string }) => e.type)).toContain('challenge.replayed');
    const me = await h.json('GET', '/mfa/me', { as: 'max' });
    expect(me.body.requiredBy).toHaveLength(1);
  });
});
