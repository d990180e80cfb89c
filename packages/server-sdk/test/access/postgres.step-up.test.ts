/**
 * Step-up across two instances on one PostgreSQL database (needs DATABASE_URL), each with its
 * own pool and cache, as behind a load balancer. The user answers the step-up on whichever
 * instance `<mfa-challenge>` reaches, and retries the payout on the other: that instance still
 * remembers the session's older verification, and must read it again rather than refuse on
 * it (or the retry loops). The other way round it must not let through on what it
 * remembers once the window has passed.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/postgres.ts';
import { testSchemas, urlWithSchema } from '../postgres.helpers.ts';
import { createHarness, expectError, type Harness, type RequestOptions } from '../support.ts';

const schemas = testSchemas();
afterAll(() => schemas.close());

const WINDOW = 300;

describe('step-up on two instances sharing PostgreSQL', () => {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
  });

  /** Instance a remembers for 60 s (the most policyCacheTtl allows), b for nothing; both with a step-up route. */
  const instances = async () => {
    const url = urlWithSchema(await schemas.create('step_up'));
    const make = (policyCacheTtl: number) => {
      const h = createHarness({ store: postgresStore({ connectionString: url, max: 2 }), policyCacheTtl });
      h.host.use('/accounts/:accountId/payouts/*', h.mfa.guard({ stepUp: WINDOW }));
      h.host.put('/accounts/:accountId/payouts/details', (c) => c.json({ saved: true }));
      open.push(h);
      return h;
    };
    const a = make(60);
    const b = make(0);
    await a.mfa.ready();
    await b.mfa.ready();
    b.clock.now = a.clock.now;
    return { a, b };
  };
  const payouts = (h: Harness, who: RequestOptions) => h.json('PUT', '/accounts/acme/payouts/details', who);
  const verify = async (h: Harness, who: RequestOptions, secret: string) => {
    const res = await h.json('POST', '/mfa/challenge', { ...who, body: { code: await h.code(secret) } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  it('a verification on one instance satisfies the step-up on the other at once, though it remembered the older one', async () => {
    const { a, b } = await instances();
    const max = { as: 'max', session: 'max-lb' };
    const { secret } = await a.enroll('max', 'max-lb');
    b.clock.now = a.clock.now;
    // a remembers the session as verified by the setup, long enough ago for the step-up to ask again.
    a.advance(WINDOW + 1);
    b.clock.now = a.clock.now;
    expect((await a.json('GET', '/accounts/acme/area', max)).status).toBe(200);
    expectError(await payouts(a, max), 'step_up_required');
    await verify(b, max, secret);
    expect((await payouts(a, max)).status).toBe(200);
  });

  it('what an instance remembers does not outlast the window', async () => {
    const { a, b } = await instances();
    const max = { as: 'max', session: 'max-lb2' };
    const { secret } = await b.enroll('max', 'max-lb2');
    a.clock.now = b.clock.now;
    await verify(b, max, secret);
    a.clock.now = b.clock.now;
    expect((await payouts(a, max)).status).toBe(200);
    a.advance(WINDOW + 1);
    b.clock.now = a.clock.now;
    expectError(await payouts(a, max), 'step_up_required');
    expectError(await payouts(b, max), 'step_up_required');
  });
});
