/**
 * The SDK in an Express 5 host (src/express-host.ts), over real HTTP: `mfa.app`
 * mounted at /mfa through @hono/node-server's `getRequestListener`, the host's
 * routes guarded with `mfa.evaluate`. What it proves: requests reach the SDK's
 * routes under the mount path, POSTs with JSON bodies arrive whole (the SDK
 * reads its own body, so it is mounted before `express.json()`, or the parser
 * keeps the raw bytes), the SDK's own checks (Origin, Content-Type, its 404)
 * still answer, and the host's JSON routes keep their parsed bodies.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'otplib';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpressHost, type ExpressHostOptions } from '../src/express-host.ts';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function start(options: ExpressHostOptions = {}) {
  const clock = { now: new Date() };
  const { app } = createExpressHost({ ...options, now: () => new Date(clock.now) });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** A request as a browser on the portal's page sends it: cookies, and Origin on a POST. */
  async function call(
    method: string,
    path: string,
    as: { user: string; session?: string },
    init: RequestInit = {},
  ) {
    const headers = new Headers(init.headers);
    headers.set('cookie', `user=${as.user}; session=${as.session ?? `${as.user}-1`}`);
    if (method !== 'GET' && !headers.has('origin')) headers.set('origin', origin);
    const res = await fetch(`${origin}${path}`, {
      ...init,
      method,
      headers,
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: text ? JSON.parse(text) : null,
    };
  }
  const postJson = (path: string, as: { user: string; session?: string }, body: unknown) =>
    call('POST', path, as, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const code = (secret: string) => generate({ secret, epoch: Math.floor(clock.now.getTime() / 1000) });

  /** Sets up MFA over HTTP: a POST without a body, then one with `{ code }`. */
  async function enroll(user: string) {
    const setup = await call('POST', '/mfa/me/totp/setup', { user });
    expect(setup.status).toBe(200);
    const confirm = await postJson('/mfa/me/totp/confirm', { user }, { code: await code(setup.body.secret) });
    expect(confirm.status).toBe(200);
    clock.now = new Date(clock.now.getTime() + 30_000);
    return { secret: setup.body.secret as string, recoveryCodes: confirm.body.recoveryCodes as string[] };
  }
  return { origin, call, postJson, code, enroll, clock };
}

describe('Express 5 hosting mfa.app through getRequestListener', () => {
  it('serves the SDK under the mount path, with its own 404 and OpenAPI document', async () => {
    const { call } = await start();
    const doc = await call('GET', '/mfa/openapi.json', { user: 'nobody' });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\.1\./);
    const me = await call('GET', '/mfa/me', { user: 'max' });
    expect(me).toMatchObject({ status: 200, body: { userId: 'max', enrolled: false } });
    expect((await call('GET', '/mfa/me', { user: 'nobody' })).body.error.code).toBe('unauthenticated');
    const unknown = await call('GET', '/mfa/nothing-here', { user: 'max' });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(unknown.type).toMatch(/^application\/json/);
  });

  it('passes POSTs with JSON bodies to the SDK whole, while the host keeps express.json()', async () => {
    const { call, postJson, enroll, code } = await start();
    const { secret, recoveryCodes } = await enroll('ada');
    expect(recoveryCodes).toHaveLength(10);
    const verified = await postJson(
      '/mfa/challenge',
      { user: 'ada', session: 'ada-2' },
      { code: await code(secret) },
    );
    expect(verified).toMatchObject({ status: 200, body: { verified: true } });
    const put = await call(
      'PUT',
      '/mfa/accounts/acme/policy',
      { user: 'ada', session: 'ada-2' },
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'required_admins', gracePeriodDays: 3, version: 0 }),
      },
    );
    expect(put).toMatchObject({
      status: 200,
      body: { mode: 'required_admins', gracePeriodDays: 3, version: 1 },
    });
    // The SDK's checks of a body still answer: it saw the request as sent.
    const schema = await postJson('/mfa/challenge', { user: 'ada' }, { code: '12345', extra: true });
    expect(schema.body.error.code).toBe('invalid_request');
    const form = await call(
      'POST',
      '/mfa/challenge',
      { user: 'ada' },
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'code=123456',
      },
    );
    expect(form).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
    const sameOrigin = await postJson('/mfa/challenge', { user: 'ada' }, { code: '123456' });
    expect(sameOrigin.body.error?.code).not.toBe('forbidden_origin');
    const elsewhere = await call(
      'POST',
      '/mfa/challenge',
      { user: 'ada' },
      {
        headers: { 'content-type': 'application/json', origin: 'https://elsewhere.example' },
        body: JSON.stringify({ code: '123456' }),
      },
    );
    expect(elsewhere).toMatchObject({ status: 403, body: { error: { code: 'forbidden_origin' } } });
    // The host's own JSON route, behind the parser.
    const note = await postJson('/api/notes', { user: 'ada' }, { text: 'hello' });
    expect(note).toEqual({
      status: 201,
      type: expect.stringMatching(/json/),
      body: { note: { text: 'hello' } },
    });
  });

  it('guards the host routes with mfa.evaluate: 404, 403 challenge_required, then 200 once verified', async () => {
    const { call, postJson, enroll, code } = await start();
    expect(await call('GET', '/accounts/acme/reports', { user: 'max' })).toMatchObject({
      status: 200,
      body: { decision: { allow: true, reason: 'not_required' } },
    });
    expect((await call('GET', '/accounts/acme/reports', { user: 'olga' })).status).toBe(404);
    const { secret } = await enroll('ada');
    const fresh = { user: 'ada', session: 'ada-new' };
    expect(await call('GET', '/accounts/acme/reports', fresh)).toMatchObject({
      status: 403,
      body: { error: { code: 'challenge_required' } },
    });
    expect((await postJson('/mfa/challenge', fresh, { code: await code(secret) })).status).toBe(200);
    expect(await call('GET', '/accounts/acme/reports', fresh)).toMatchObject({
      status: 200,
      body: { decision: { reason: 'verified' } },
    });
  });

  it('works with the parser first when it keeps the raw body; without, JSON bodies never reach the SDK', async () => {
    const keeping = await start({ bodyParser: 'before-mfa-keeping-raw' });
    const { recoveryCodes } = await keeping.enroll('max');
    expect(recoveryCodes).toHaveLength(10);
    expect((await keeping.postJson('/api/notes', { user: 'max' }, { a: 1 })).body).toEqual({
      note: { a: 1 },
    });

    // The parser consumed the stream and nothing kept it: the SDK gets no body. Nothing is acted on,
    // and the answer says what is missing (a host developer's first clue); a POST without a body still works.
    const mistaken = await start({ bodyParser: 'before-mfa' });
    const setup = await mistaken.call('POST', '/mfa/me/totp/setup', { user: 'max' });
    expect(setup.status).toBe(200);
    const confirm = await mistaken.postJson('/mfa/me/totp/confirm', { user: 'max' }, { code: '123456' });
    expect(confirm).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(confirm.body.error.message).toContain('mount mfa.app before body parsers');
    expect((await mistaken.call('GET', '/mfa/me', { user: 'max' })).body.enrolled).toBe(false);
  });
});
