/**
 * The API rides on the host's session cookie, so any page the user visits could
 * make their browser call it: cross-site request forgery. Browsers send `Origin`
 * on every cross-origin state-changing request, so mfakit refuses a state-changing
 * call whose `Origin` is present and neither the request's own nor allow-listed
 * (`null`, from sandboxed frames and some redirects, included). And since a body
 * is accepted only as `application/json`, which a cross-site page can send only
 * after a CORS preflight the host never grants, the "simple" requests a form or a
 * `text/plain` fetch can make are refused before they are read. Reads (GET) change
 * nothing and ignore `Origin`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routes } from '../../src/http/routes/index.ts';
import { createHarness, type Harness } from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { addPasskey, ORIGIN, verifyWithPasskey } from '../webauthn/passkeys.ts';

const SAME_ORIGIN = 'http://portal.test'; // the harness sends requests to http://portal.test
const ALLOWED = 'https://app.portal.example';
const FOREIGN = [
  'https://evil.example',
  'null',
  'https://portal.test', // another scheme
  'http://portal.test:8080', // another port
  'http://portal.test.evil.example',
  'https://app.portal.example.evil.example',
  'http://evil.portal.test',
];

interface Call {
  method: string;
  path: string;
  as: string;
  body?: unknown;
}

/**
 * For each state-changing route, a call that succeeds (200) on a harness where
 * ada (acme admin) and max (acme member) have MFA and ada has just verified.
 */
const stateChanging: Record<string, (h: Harness, secrets: Record<string, string>) => Promise<Call>> = {
  'PUT /accounts/:accountId/policy': async () => ({
    method: 'PUT',
    path: '/mfa/accounts/acme/policy',
    as: 'ada',
    body: { mode: 'required_all' },
  }),
  'DELETE /accounts/:accountId/members/:userId/mfa': async () => ({
    method: 'DELETE',
    path: '/mfa/accounts/acme/members/max/mfa',
    as: 'ada',
  }),
  'POST /me/totp/setup': async () => ({ method: 'POST', path: '/mfa/me/totp/setup', as: 'ada', body: {} }),
  'POST /me/totp/confirm': async (h) => {
    const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'sam' });
    return {
      method: 'POST',
      path: '/mfa/me/totp/confirm',
      as: 'sam',
      body: { code: await h.code(setup.body.secret) },
    };
  },
  'DELETE /me/totp': async () => ({ method: 'DELETE', path: '/mfa/me/totp', as: 'ada' }),
  'POST /me/recovery-codes': async () => ({ method: 'POST', path: '/mfa/me/recovery-codes', as: 'ada' }),
  'POST /challenge': async (h, secrets) => ({
    method: 'POST',
    path: '/mfa/challenge',
    as: 'max',
    body: { code: await h.code(secrets.max as string) },
  }),
  'POST /me/webauthn/registration': async () => ({
    method: 'POST',
    path: '/mfa/me/webauthn/registration',
    as: 'ada',
    body: {},
  }),
  'POST /me/webauthn/credentials': async (h) => {
    const begun = await h.json('POST', '/mfa/me/webauthn/registration', { as: 'sam' });
    const response = softwareAuthenticator().register(begun.body.options, { origin: ORIGIN });
    return { method: 'POST', path: '/mfa/me/webauthn/credentials', as: 'sam', body: { response } };
  },
  'PATCH /me/webauthn/credentials/:credentialId': async (h) => {
    const { credentialId } = await addPasskey(h, { as: 'ada' });
    return {
      method: 'PATCH',
      path: `/mfa/me/webauthn/credentials/${credentialId}`,
      as: 'ada',
      body: { name: 'Laptop' },
    };
  },
  'DELETE /me/webauthn/credentials/:credentialId': async (h) => {
    const { credentialId, key } = await addPasskey(h, { as: 'ada' });
    // A registration is no step-up: the removal comes after a verification with the key.
    await verifyWithPasskey(h, { as: 'ada' }, key);
    return { method: 'DELETE', path: `/mfa/me/webauthn/credentials/${credentialId}`, as: 'ada' };
  },
  'POST /challenge/webauthn': async (h) => {
    await addPasskey(h, { as: 'ada' });
    return { method: 'POST', path: '/mfa/challenge/webauthn', as: 'ada', body: {} };
  },
  'DELETE /me/devices/:deviceId': async (h) => {
    await h.store.rememberDevice({
      deviceId: 'ZGV2aWNl',
      userId: 'ada',
      tokenHash: 'k.ada',
      method: 'totp',
      label: 'Firefox on Linux',
      createdAt: h.clock.now,
      lastUsedAt: null,
      expiresAt: new Date(h.clock.now.getTime() + 86_400_000),
    });
    return { method: 'DELETE', path: '/mfa/me/devices/ZGV2aWNl', as: 'ada' };
  },
  'DELETE /me/devices': async () => ({ method: 'DELETE', path: '/mfa/me/devices', as: 'ada' }),
  'POST /accounts/:accountId/reminders': async (h) => {
    const policy = await h.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all' },
    });
    if (policy.status !== 200) throw new Error(JSON.stringify(policy.body));
    return { method: 'POST', path: '/mfa/accounts/acme/reminders', as: 'ada', body: {} };
  },
  'POST /me/nudge/snooze': async () => ({
    method: 'POST',
    path: '/mfa/me/nudge/snooze',
    as: 'ada',
    body: { kind: 'set_up' },
  }),
};

const readOnly = [
  '/mfa/accounts/acme/policy',
  '/mfa/accounts/acme/members',
  '/mfa/accounts/acme/members.csv',
  '/mfa/accounts/acme/audit.csv',
  '/mfa/accounts/acme/audit',
  '/mfa/accounts/acme/access',
  '/mfa/me',
  '/mfa/me/devices',
  '/mfa/me/nudge',
  '/mfa/openapi.json',
  '/accounts/acme/area',
];

let h: Harness;
let secrets: Record<string, string>;

beforeEach(async () => {
  h = createHarness({ allowedOrigins: [ALLOWED] });
  secrets = { max: (await h.enroll('max')).secret, ada: (await h.enroll('ada')).secret };
});
afterEach(async () => {
  await h.mfa.close();
});

function send(call: Call, headers: Record<string, string> = {}) {
  return h.json(call.method, call.path, {
    as: call.as,
    headers,
    ...(call.body === undefined ? {} : { body: call.body }),
  });
}

it('has a case for every state-changing route and every GET route', () => {
  const apiRoutes = routes.map((r) => `${r.method} ${r.path}`);
  expect(new Set(Object.keys(stateChanging))).toEqual(
    new Set(apiRoutes.filter((r) => !r.startsWith('GET '))),
  );
  const gets = routes
    .filter((r) => r.method === 'GET')
    .map((r) => `/mfa${r.path.replace(':accountId', 'acme')}`);
  for (const path of gets) expect(readOnly).toContain(path);
});

describe.each(Object.entries(stateChanging))('%s', (_route, prepare) => {
  it('refuses a foreign or null Origin with 403 forbidden_origin, changing nothing', async () => {
    const call = await prepare(h, secrets);
    const before = h.events.length;
    for (const origin of FOREIGN) {
      const refused = await send(call, { Origin: origin });
      expect(refused.status, origin).toBe(403);
      expect(refused.body.error.code).toBe('forbidden_origin');
    }
    // Checked first: before authentication, Content-Type and the body.
    const anonymous = await h.json(call.method, call.path, {
      headers: { Origin: 'https://evil.example', 'content-type': 'text/plain' },
      rawBody: 'x',
    });
    expect(anonymous.body.error.code).toBe('forbidden_origin');
    expect(h.events.length).toBe(before);
    // Nothing was consumed or changed: the same call still succeeds.
    expect((await send(call)).status).toBe(200);
  });

  it.each([
    ['its own origin', SAME_ORIGIN],
    ['an allowed origin', ALLOWED],
    ['no Origin', undefined],
  ])('accepts %s', async (_label, origin) => {
    const call = await prepare(h, secrets);
    const answer = await send(call, origin === undefined ? {} : { Origin: origin });
    expect(answer.status).toBe(200);
  });

  it('refuses a body that is not application/json with 415: no simple request gets through', async () => {
    const call = await prepare(h, secrets);
    const json = JSON.stringify(call.body ?? {});
    const simple = [
      ['text/plain', json],
      ['text/plain;charset=UTF-8', json],
      ['application/x-www-form-urlencoded', 'code=123456'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="code"\r\n\r\n1\r\n--x--',
      ],
      ['application/jsonp', json],
      ['text/json', json],
    ];
    for (const [type, rawBody] of simple) {
      const answer = await h.json(call.method, call.path, {
        as: call.as,
        headers: { 'content-type': type as string },
        rawBody: rawBody as string,
      });
      expect(answer.status, type).toBe(415);
      expect(answer.body.error.code).toBe('unsupported_media_type');
    }
    // A body without any Content-Type.
    const untyped = await h.host.request(`${SAME_ORIGIN}${call.path}`, {
      method: call.method,
      headers: { 'x-test-user': call.as },
      body: new TextEncoder().encode(json),
    });
    expect(untyped.status).toBe(415);
    // The JSON the browser can send only after a preflight still works, charset and all.
    const answer = await send(call, { 'content-type': 'application/json; charset=utf-8' });
    expect(answer.status).toBe(200);
  });
});

it('neither verifies nor counts a challenge sent as text/plain', async () => {
  const code = await h.code(secrets.max as string);
  const simple = await h.json('POST', '/mfa/challenge', {
    as: 'max',
    session: 'max-s2',
    headers: { 'content-type': 'text/plain' },
    rawBody: JSON.stringify({ code }),
  });
  expect(simple.status).toBe(415);
  expect((await h.json('GET', '/mfa/me', { as: 'max', session: 'max-s2' })).body.session.verified).toBe(
    false,
  );
  expect((await h.store.getAttempts('max')).failures).toBe(0);
  const json = await h.json('POST', '/mfa/challenge', { as: 'max', session: 'max-s2', body: { code } });
  expect(json.status).toBe(200);
});

it.each(readOnly)('GET %s ignores Origin', async (path) => {
  for (const origin of [undefined, ...FOREIGN]) {
    const answer = await h.json('GET', path, {
      as: 'ada',
      ...(origin ? { headers: { Origin: origin } } : {}),
    });
    expect(answer.status, origin).toBe(200);
  }
});
