/**
 * Remembered devices across two instances on one PostgreSQL database (needs DATABASE_URL):
 * each with its own pool and its own cache, as behind a load balancer. A browser remembered
 * on one must be let in by the other; a device forgotten on one must stop counting on the
 * other within `policyCacheTtl` (an instance that remembered the device without bound would
 * keep a stolen laptop's cookie working after its owner forgot it); and a factor replaced on
 * one forgets the devices for both.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/postgres.ts';
import { testSchemas, urlWithSchema } from '../postgres.helpers.ts';
import { createHarness, expectError, type Harness } from '../support.ts';
import { enter, rememberWithCode, setPolicy } from './devices.helpers.ts';

const schemas = testSchemas();
afterAll(() => schemas.close());

describe('remembered devices on two instances sharing PostgreSQL', () => {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
  });

  /** Instance a (policyCacheTtl 1 s) and b (no cache), on a fresh schema, at the same time. */
  const instances = async () => {
    const url = urlWithSchema(await schemas.create('devices'));
    const a = createHarness({ store: postgresStore({ connectionString: url, max: 2 }), policyCacheTtl: 1 });
    const b = createHarness({ store: postgresStore({ connectionString: url, max: 2 }), policyCacheTtl: 0 });
    open.push(a, b);
    await a.mfa.ready();
    await b.mfa.ready();
    b.clock.now = a.clock.now;
    return { a, b };
  };
  /** Both see the later of their clocks, and b the secrets a enrolled. */
  const sync = (a: Harness, b: Harness) => {
    a.clock.now = b.clock.now = new Date(Math.max(a.clock.now.getTime(), b.clock.now.getTime()));
    Object.assign(b.secrets, a.secrets);
    Object.assign(a.secrets, b.secrets);
  };
  const afterTtl = () => new Promise((resolve) => setTimeout(resolve, 1100));

  it('one remembers the browser, the other lets it in; a forget on either counts on the other within policyCacheTtl', async () => {
    const { a, b } = await instances();
    await setPolicy(a, 'acme', { rememberDeviceDays: 7 });
    await a.enroll('max');
    sync(a, b);
    const { token } = await rememberWithCode(b, 'max');
    sync(a, b);
    // a has never seen this device: it reads it from the store.
    expect((await enter(a, 'max', token as string, 'acme', 'max-on-a')).status).toBe(200);
    expect((await b.store.getSession('max', 'max-on-a'))?.method).toBe('remembered_device');
    // a now remembers the device; b forgets it.
    expect((await enter(a, 'max', token as string, 'acme', 'max-on-a2')).status).toBe(200);
    expect((await b.json('DELETE', '/mfa/me/devices', { as: 'max' })).body).toEqual({ forgotten: 1 });
    expectError(await enter(b, 'max', token as string, 'acme', 'max-on-b'), 'challenge_required');
    await afterTtl();
    sync(a, b);
    expectError(await enter(a, 'max', token as string, 'acme', 'max-on-a3'), 'challenge_required');
    expectError(await enter(a, 'max', token as string, 'acme', 'max-on-a'), 'challenge_required');
  });

  it('an app replaced on one instance forgets the device on the other, and a lowered policy counts there within policyCacheTtl', async () => {
    const { a, b } = await instances();
    await setPolicy(b, 'acme', { rememberDeviceDays: 30 });
    await b.enroll('max');
    sync(a, b);
    const { token } = await rememberWithCode(a, 'max');
    sync(a, b);
    b.advance(2 * 86_400);
    sync(a, b);
    expect((await enter(a, 'max', token as string, 'acme', 'max-1')).status).toBe(200);
    // b lowers acme to one day: a follows within its TTL.
    await setPolicy(b, 'acme', { rememberDeviceDays: 1 });
    sync(a, b);
    await afterTtl();
    expectError(await enter(a, 'max', token as string, 'acme', 'max-2'), 'challenge_required');
    // Raised again on b, then max replaces his app on b: the device is forgotten for a too.
    await setPolicy(b, 'acme', { rememberDeviceDays: 30 });
    sync(a, b);
    await afterTtl();
    expect((await enter(a, 'max', token as string, 'acme', 'max-3')).status).toBe(200);
    await b.verify('max');
    const setup = await b.json('POST', '/mfa/me/totp/setup', { as: 'max' });
    const confirmed = await b.json('POST', '/mfa/me/totp/confirm', {
      as: 'max',
      body: { code: await b.code(setup.body.secret) },
    });
    expect(confirmed.status).toBe(200);
    expect(await a.store.listRememberedDevices('max')).toEqual([]);
    sync(a, b);
    await afterTtl();
    expectError(await enter(a, 'max', token as string, 'acme', 'max-4'), 'challenge_required');
  });
});
