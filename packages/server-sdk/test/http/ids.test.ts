/**
 * Ids come from the host's URLs. One that no account can have — with a control
 * character such as NUL, which PostgreSQL cannot even store — is refused before
 * it reaches a store: 400 from the API's schema, 404 from the guard.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from '../support.ts';

describe('ids with control characters', () => {
  it('are invalid requests for the API', async () => {
    const h = createHarness();
    const res = await h.json('GET', '/mfa/accounts/ac%00me/policy', { as: 'ada' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('are nobody’s account for the guard', async () => {
    const h = createHarness();
    const res = await h.json('GET', '/accounts/ac%00me/area', { as: 'ada' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_member');
    expect((await h.json('GET', '/accounts/acme/area', { as: 'ada' })).status).toBe(200);
  });
});
