/**
 * The OpenAPI document (`GET /openapi.json`) against the app that serves it.
 * A client generated from the document must be able to rely on it, so it is
 * checked against what the app does, not against the table it is generated
 * from: the operations are the routes the Hono app answers; the error answers
 * of each operation are exactly the (status, code) pairs a scripted session
 * provokes from that route; and every body the session received, success or
 * error, validates against the schema the document gives for it.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/errors.ts';
import { createHarness, type Harness, type RequestOptions, wrongCode } from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { addPasskey, ORIGIN, verifyWithPasskey } from '../webauthn/passkeys.ts';

// ajv-formats is CommonJS: its default export arrives as the module object under some loaders.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ??
  addFormatsImport) as typeof addFormatsImport;

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean };
  responses: Record<
    string,
    { content?: { 'application/json': { schema: object; examples?: Record<string, unknown> } } }
  >;
}
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};

/** `/accounts/:accountId/policy` → `/accounts/{accountId}/policy` */
const templateOf = (honoPath: string) => honoPath.replace(/:(\w+)/g, '{$1}');

interface Observation {
  operation: string; // "PUT /accounts/{accountId}/policy"
  status: number;
  code: string | null;
  body: unknown;
}

/** Runs requests against a harness and records each answer under its operation. */
function recorder(observations: Observation[]) {
  return async (h: Harness, method: string, template: string, path: string, options: RequestOptions = {}) => {
    const result = await h.json(method, `/mfa${path}`, options);
    observations.push({
      operation: `${method} ${template}`,
      status: result.status,
      code: result.status >= 400 ? (result.body?.error?.code ?? null) : null,
      body: result.body,
    });
    return result;
  };
}

const OPERATIONS = [
  ['GET', '/accounts/{accountId}/policy', 'member'],
  ['PUT', '/accounts/{accountId}/policy', 'admin'],
  ['GET', '/accounts/{accountId}/members', 'admin'],
  ['DELETE', '/accounts/{accountId}/members/{userId}/mfa', 'admin'],
  ['GET', '/accounts/{accountId}/audit', 'admin'],
  ['GET', '/accounts/{accountId}/access', 'member'],
  ['GET', '/me', 'user'],
  ['POST', '/me/totp/setup', 'user'],
  ['POST', '/me/totp/confirm', 'user'],
  ['DELETE', '/me/totp', 'user'],
  ['POST', '/me/recovery-codes', 'user'],
  ['POST', '/challenge', 'user'],
  ['POST', '/me/webauthn/registration', 'user'],
  ['POST', '/me/webauthn/credentials', 'user'],
  ['PATCH', '/me/webauthn/credentials/{credentialId}', 'user'],
  ['DELETE', '/me/webauthn/credentials/{credentialId}', 'user'],
  ['POST', '/challenge/webauthn', 'user'],
  ['GET', '/me/devices', 'user'],
  ['DELETE', '/me/devices/{deviceId}', 'user'],
  ['DELETE', '/me/devices', 'user'],
] as const;

/** The operation's path with acme / max filled in. */
const concrete = (template: string, userId = 'max', credentialId = 'AAAA', deviceId = 'AAAA') =>
  template
    .replace('{accountId}', 'acme')
    .replace('{userId}', userId)
    .replace('{credentialId}', credentialId)
    .replace('{deviceId}', deviceId);

/** A valid body for the operation, so that only the provoked fault makes it fail. */
function validBody(method: string, template: string): unknown {
  if (method === 'PUT') return { mode: 'optional' };
  if (method === 'PATCH') return { name: 'Laptop' };
  if (template === '/me/webauthn/credentials') {
    // Well-formed, answering no challenge: refused as invalid_credential.
    const response = { clientDataJSON: 'e30', attestationObject: 'oA' };
    return {
      response: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response, clientExtensionResults: {} },
    };
  }
  if (template === '/challenge' || template === '/me/totp/confirm') return { code: '123456' };
  return method === 'GET' ? undefined : {};
}

let doc: Doc;
const observations: Observation[] = [];

/**
 * The scripted session: every check of the request pipeline on every route,
 * then each route's own refusals and successes.
 */
async function provokeEverything() {
  const call = recorder(observations);
  const h = createHarness();
  doc = (await h.json('GET', '/mfa/openapi.json')).body;

  // The pipeline, route by route: who may call it, what it accepts.
  for (const [method, template, access] of OPERATIONS) {
    const path = concrete(template);
    const body = validBody(method, template);
    const withBody = body === undefined ? {} : { body };
    await call(h, method, template, path, withBody);
    await call(h, method, template, `${path}?unexpected=1`, { as: 'ada', ...withBody });
    if (access !== 'user') await call(h, method, template, path, { as: 'olga', ...withBody });
    if (access === 'admin') await call(h, method, template, path, { as: 'max', ...withBody });
    if (method !== 'GET') {
      const origin = { origin: 'https://elsewhere.example' };
      await call(h, method, template, path, { as: 'ada', ...withBody, headers: origin });
      await call(h, method, template, path, {
        as: 'ada',
        rawBody: 'mode=optional',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await call(h, method, template, path, { as: 'ada', body: { padding: 'x'.repeat(20_000) } });
    }
  }
  // A host hook that fails: every route answers 503, never a 500.
  const down = createHarness({
    authenticate: () => {
      throw new Error('session store down');
    },
  });
  for (const [method, template] of OPERATIONS) {
    const body = validBody(method, template);
    await call(down, method, template, concrete(template), {
      as: 'ada',
      ...(body === undefined ? {} : { body }),
    });
  }

  // Each route's own answers, in the order a portal meets them.
  await call(h, 'GET', '/accounts/{accountId}/policy', '/accounts/acme/policy', { as: 'max' });
  await call(h, 'GET', '/accounts/{accountId}/access', '/accounts/acme/access', { as: 'max' });
  await call(h, 'GET', '/me', '/me', { as: 'max' });
  await call(h, 'PUT', '/accounts/{accountId}/policy', '/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'required_all' }, // an administrator without MFA cannot require it
  });
  for (const [method, template] of [
    ['POST', '/me/recovery-codes'],
    ['DELETE', '/me/totp'],
    ['POST', '/me/totp/confirm'],
    ['POST', '/challenge'],
  ] as const) {
    await call(h, method, template, template, { as: 'max', ...{ body: validBody(method, template) } });
  }
  await call(h, 'POST', '/challenge', '/challenge', { as: 'max', body: { recoveryCode: 'abcde-fghij' } });
  const members = '/accounts/{accountId}/members/{userId}/mfa';

  // Ada sets up MFA, then requires it of everyone.
  const setup = await call(h, 'POST', '/me/totp/setup', '/me/totp/setup', { as: 'ada' });
  const adaSecret: string = setup.body.secret;
  await call(h, 'POST', '/me/totp/confirm', '/me/totp/confirm', {
    as: 'ada',
    body: { code: await h.code(adaSecret) },
  });
  h.advance(30);
  // The new app's code is no step-up: she verifies with it.
  await call(h, 'POST', '/challenge', '/challenge', { as: 'ada', body: { code: await h.code(adaSecret) } });
  h.advance(30);
  const policy = '/accounts/{accountId}/policy';
  await call(h, 'PUT', policy, '/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'required_all', version: 0 },
  });
  await call(h, 'PUT', policy, '/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'optional', version: 0 },
  });
  await call(h, 'DELETE', '/me/totp', '/me/totp', { as: 'ada' }); // acme requires it
  await call(h, 'DELETE', members, concrete(members, 'max'), { as: 'ada' }); // max has no MFA
  await call(h, 'DELETE', members, concrete(members, 'sam'), { as: 'ada' }); // sam is also in contoso
  await call(h, 'GET', '/accounts/{accountId}/members', '/accounts/acme/members', { as: 'ada' });
  await call(h, 'GET', '/accounts/{accountId}/audit', '/accounts/acme/audit?limit=2', { as: 'ada' });
  await call(h, 'GET', '/accounts/{accountId}/access', '/accounts/acme/access', { as: 'max' }); // grace
  await call(h, 'GET', '/me', '/me', { as: 'ada' });

  // A quarter of an hour later, every sensitive call asks for a fresh verification.
  h.advance(16 * 60);
  await call(h, 'PUT', policy, '/accounts/acme/policy', { as: 'ada', body: { mode: 'required_admins' } });
  await call(h, 'DELETE', members, concrete(members, 'max'), { as: 'ada' });
  await call(h, 'POST', '/me/totp/setup', '/me/totp/setup', { as: 'ada' });
  await call(h, 'DELETE', '/me/totp', '/me/totp', { as: 'ada' });
  await call(h, 'POST', '/me/recovery-codes', '/me/recovery-codes', { as: 'ada' });
  // Wrong codes until the lock, then the right one once it has passed.
  for (let i = 0; i < 5; i++) {
    await call(h, 'POST', '/challenge', '/challenge', {
      as: 'ada',
      body: { code: await wrongCode(h, adaSecret) },
    });
  }
  await call(h, 'POST', '/challenge', '/challenge', { as: 'ada', body: { code: await h.code(adaSecret) } });
  h.advance(3600);
  await call(h, 'POST', '/challenge', '/challenge', { as: 'ada', body: { code: await h.code(adaSecret) } });
  await call(h, 'POST', '/me/recovery-codes', '/me/recovery-codes', { as: 'ada' });
  await call(h, 'PUT', policy, '/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } });

  // Max sets up MFA: wrong confirmations until the lock, then the right code; Ada resets it.
  const maxSetup = await call(h, 'POST', '/me/totp/setup', '/me/totp/setup', { as: 'max', body: {} });
  for (let i = 0; i < 5; i++) {
    await call(h, 'POST', '/me/totp/confirm', '/me/totp/confirm', {
      as: 'max',
      body: { code: await wrongCode(h, maxSetup.body.secret) },
    });
  }
  await call(h, 'POST', '/me/totp/confirm', '/me/totp/confirm', {
    as: 'max',
    body: { code: await h.code(maxSetup.body.secret) },
  });
  h.advance(3600);
  const again = await call(h, 'POST', '/me/totp/setup', '/me/totp/setup', { as: 'max' });
  await call(h, 'POST', '/me/totp/confirm', '/me/totp/confirm', {
    as: 'max',
    body: { code: await h.code(again.body.secret) },
  });
  await call(h, 'POST', '/challenge', '/challenge', {
    as: 'ada',
    body: { code: await h.code(adaSecret) },
  });
  await call(h, 'DELETE', members, concrete(members, 'max'), { as: 'ada' });
  // Olga's account requires nothing: she may remove her MFA.
  // A new app's confirmation rechecks the setup's step-up: a session never verified has none.
  await call(h, 'POST', '/me/totp/confirm', '/me/totp/confirm', {
    as: 'ada',
    session: 'ada-never-verified',
    body: { code: '123456' },
  });
  // Passkeys answer 409 where no site is configured (outside localhost).
  const u = createHarness({ webauthn: undefined } as unknown as Parameters<typeof createHarness>[0]);
  await call(u, 'POST', '/me/webauthn/registration', '/me/webauthn/registration', { as: 'max', body: {} });
  await u.store.webAuthnUserHandle('max', 'aGFuZGxl');
  await u.store.addWebAuthnCredential(
    {
      userId: 'max',
      credentialId: 'cGxhbnRlZA',
      publicKey: 'cGs',
      counter: 0,
      transports: [],
      backedUp: false,
      name: 'Key',
      createdAt: u.clock.now,
      lastUsedAt: null,
    },
    {
      limit: 10,
      recoveryCodeHashes: [],
      session: { userId: 'max', sessionId: 'x', verifiedAt: u.clock.now, method: 'webauthn' },
    },
  );
  await call(u, 'POST', '/challenge/webauthn', '/challenge/webauthn', { as: 'max', body: {} });
  const olga = await call(h, 'POST', '/me/totp/setup', '/me/totp/setup', { as: 'olga' });
  await call(h, 'POST', '/me/totp/confirm', '/me/totp/confirm', {
    as: 'olga',
    body: { code: await h.code(olga.body.secret) },
  });
  h.advance(30);
  await call(h, 'POST', '/challenge', '/challenge', {
    as: 'olga',
    body: { code: await h.code(olga.body.secret) },
  });
  await call(h, 'DELETE', '/me/totp', '/me/totp', { as: 'olga' });

  // Passkeys and security keys: Max adds one while Acme requires MFA of everyone, then runs
  // into every refusal of the WebAuthn routes and of a challenge with an assertion.
  const w = createHarness();
  await w.enroll('ada');
  await w.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } });
  const maxKey = softwareAuthenticator();
  await call(w, 'POST', '/challenge/webauthn', '/challenge/webauthn', { as: 'max', body: {} }); // none yet
  const registration = '/me/webauthn/registration';
  const credentials = '/me/webauthn/credentials';
  const credential = '/me/webauthn/credentials/{credentialId}';
  const begun = await call(w, 'POST', registration, registration, { as: 'max' });
  const made = maxKey.register(begun.body.options, { origin: ORIGIN });
  await call(w, 'POST', credentials, credentials, { as: 'max', body: { response: made, name: 'Laptop' } });
  // A registration is no step-up: binding more asks for a verification with the key first.
  await call(w, 'POST', credentials, credentials, { as: 'max', body: { response: made } });
  await call(w, 'PATCH', credential, concrete(credential, 'max', made.id), {
    as: 'max',
    session: 'max-password-only',
    body: { name: 'Key' },
  });
  await verifyWithPasskey(w, { as: 'max' }, maxKey);
  await call(w, 'POST', credentials, credentials, { as: 'max', body: { response: made } }); // used challenge
  const another = (await w.json('POST', `/mfa${registration}`, { as: 'max' })).body.options;
  const elsewhere = softwareAuthenticator().register(another, { origin: 'https://evil.example' });
  await call(w, 'POST', credentials, credentials, { as: 'max', body: { response: elsewhere } });
  await call(w, 'PATCH', credential, concrete(credential, 'max', made.id), {
    as: 'max',
    body: { name: 'Key' },
  });
  await call(w, 'DELETE', credential, concrete(credential, 'max', made.id), { as: 'max' }); // acme requires it
  await call(w, 'PATCH', credential, concrete(credential), { as: 'max', body: { name: 'Key' } }); // not Max's
  await call(w, 'DELETE', credential, concrete(credential), { as: 'max' });
  const options = (await call(w, 'POST', '/challenge/webauthn', '/challenge/webauthn', { as: 'max' })).body
    .options;
  const wrongOrigin = maxKey.authenticate(options, { origin: 'https://evil.example' });
  await call(w, 'POST', '/challenge', '/challenge', { as: 'max', body: { webauthn: wrongOrigin } });
  await call(w, 'POST', '/challenge', '/challenge', { as: 'max', body: { webauthn: wrongOrigin } }); // used
  const fresh = (await w.json('POST', '/mfa/challenge/webauthn', { as: 'max' })).body.options;
  await call(w, 'POST', '/challenge', '/challenge', {
    as: 'max',
    body: { webauthn: maxKey.authenticate(fresh, { origin: ORIGIN }) },
  });
  // Up to ten: two registrations begun at eight; the first finished discards the other.
  for (let i = 0; i < 7; i++) {
    await addPasskey(w, { as: 'max' });
    await verifyWithPasskey(w, { as: 'max' }, maxKey);
  }
  const pending = [];
  for (let i = 0; i < 2; i++)
    pending.push((await w.json('POST', `/mfa${registration}`, { as: 'max' })).body.options);
  const [nine, discarded] = pending.map((o) => softwareAuthenticator().register(o, { origin: ORIGIN }));
  await call(w, 'POST', credentials, credentials, { as: 'max', body: { response: nine } });
  await verifyWithPasskey(w, { as: 'max' }, maxKey);
  await call(w, 'POST', credentials, credentials, { as: 'max', body: { response: discarded } });
  await addPasskey(w, { as: 'max' });
  await verifyWithPasskey(w, { as: 'max' }, maxKey);
  await call(w, 'POST', registration, registration, { as: 'max' }); // ten already
  await call(w, 'DELETE', credential, concrete(credential, 'max', made.id), { as: 'max' }); // nine left
  w.advance(16 * 60);
  await call(w, 'POST', registration, registration, { as: 'max' });
  await call(w, 'DELETE', credential, concrete(credential, 'max', made.id), { as: 'max' });

  // Remembered devices: Acme lets a device skip the challenge for 7 days; Max remembers two
  // browsers, lists them, forgets one (and one that is not his), then all.
  const r = createHarness();
  await r.enroll('ada');
  await r.json('PUT', '/mfa/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'optional', rememberDeviceDays: 7 },
  });
  const maxApp = await r.enroll('max');
  const remembered = [];
  for (const session of ['max-laptop', 'max-phone']) {
    const answer = await call(r, 'POST', '/challenge', '/challenge', {
      as: 'max',
      session,
      body: { code: await r.code(maxApp.secret), rememberDevice: true },
    });
    remembered.push(answer);
    r.advance(30);
  }
  const devices = '/me/devices';
  const device = '/me/devices/{deviceId}';
  const listed = await call(r, 'GET', devices, devices, { as: 'max' });
  const [first] = listed.body.devices as { deviceId: string }[];
  await call(r, 'DELETE', device, concrete(device, 'max', 'AAAA', first?.deviceId), { as: 'max' });
  await call(r, 'DELETE', device, concrete(device, 'max', 'AAAA', first?.deviceId), { as: 'max' }); // gone
  await call(r, 'DELETE', devices, devices, { as: 'max' });
  await call(r, 'GET', '/me', '/me', { as: 'max' });

  // Account routes under a denying access decision answer as the guard would: an unverified
  // session of an administrator with MFA, and an administrator without MFA past the grace period.
  const denied = createHarness();
  denied.dir.users.adam = { email: 'adam@acme.test', displayName: 'Adam Admin' };
  (denied.dir.memberships.acme as Record<string, 'admin' | 'member'>).adam = 'admin';
  await denied.enroll('ada');
  await denied.json('PUT', '/mfa/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'required_admins', gracePeriodDays: 0 },
  });
  for (const [method, template] of OPERATIONS) {
    if (!template.startsWith('/accounts/')) continue;
    const body = validBody(method, template);
    const withBody = body === undefined ? {} : { body };
    const path = concrete(template);
    await call(denied, method, template, path, { as: 'ada', session: 'ada-s2', ...withBody });
    await call(denied, method, template, path, { as: 'adam', ...withBody });
  }
}

/** "status code" pairs per operation, as the document states them. */
function documented(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const pairs = new Set<string>();
      for (const [status, response] of Object.entries(operation.responses)) {
        const examples = response.content?.['application/json']?.examples;
        if (Number(status) < 400) pairs.add(status);
        else for (const code of Object.keys(examples ?? {})) pairs.add(`${status} ${code}`);
      }
      out.set(`${method.toUpperCase()} ${template}`, pairs);
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  beforeAll(provokeEverything);

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has an operation for every route the app answers, and no other', () => {
    const h = createHarness();
    const routes = h.mfa.app.routes
      .filter((r) => r.method !== 'ALL') // the catch-all that answers not_found
      .map((r) => `${r.method} ${templateOf(r.path)}`);
    expect(routes.length).toBeGreaterThan(OPERATIONS.length);
    const operations = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${template}`),
    );
    expect([...new Set(routes)].sort()).toEqual(operations.sort());
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const operation of Object.values(item)) {
        const inPath = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(inPath, template).toEqual([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      }
    }
  });

  it('lists, for each operation, exactly the statuses and error codes the app answers with', () => {
    const seen = new Map<string, Set<string>>();
    for (const o of observations) {
      const pairs = seen.get(o.operation) ?? new Set<string>();
      pairs.add(o.code ? `${o.status} ${o.code}` : String(o.status));
      seen.set(o.operation, pairs);
    }
    const stated = documented();
    for (const [method, template] of OPERATIONS) {
      const key = `${method} ${template}`;
      expect([...(seen.get(key) ?? [])].sort(), `${key}: answered`).toEqual(
        [...(stated.get(key) ?? [])].sort(),
      );
    }
    // Each status's codes are those of the error registry for that status.
    for (const [key, pairs] of stated) {
      for (const pair of pairs) {
        const [status, code] = pair.split(' ');
        if (code)
          expect(String(errorCodes[code as keyof typeof errorCodes]?.status), `${key} ${code}`).toBe(status);
      }
    }
  });

  it('describes every body the app sent: success bodies and errors validate against its schemas', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const problems: string[] = [];
    const checked = new Set<string>();
    for (const o of observations) {
      const [method, template] = o.operation.split(' ') as [string, string];
      const response = doc.paths[template]?.[method.toLowerCase()]?.responses[String(o.status)];
      const schema = response?.content?.['application/json'].schema;
      if (!schema) {
        problems.push(`${o.operation} ${o.status}: no schema`);
        continue;
      }
      // $refs point into the document's components.
      const validate = ajv.compile({ ...schema, components: doc.components });
      if (!validate(o.body)) {
        problems.push(
          `${o.operation} ${o.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(o.body)}`,
        );
      }
      checked.add(`${o.operation} ${o.status}`);
    }
    expect(problems).toEqual([]);
    // Every operation's success body was among them.
    for (const [method, template] of OPERATIONS) expect(checked).toContain(`${method} ${template} 200`);
  });

  it('marks a request body required where the app refuses to go without one', async () => {
    const h = createHarness();
    for (const [method, template] of OPERATIONS) {
      const operation = doc.paths[template]?.[method.toLowerCase()];
      if (method === 'GET') {
        expect(operation?.requestBody, `${method} ${template}`).toBeUndefined();
        continue;
      }
      const bare = await h.json(method, `/mfa${concrete(template, 'olga')}`, { as: 'ada' });
      const refusedForBody =
        bare.status === 400 && bare.body.error.details?.some((d: { in: string }) => d.in === 'body');
      expect(operation?.requestBody?.required, `${method} ${template}`).toBe(Boolean(refusedForBody));
    }
  });
});
