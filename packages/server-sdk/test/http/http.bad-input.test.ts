/**
 * What every route of the route table answers to input it must refuse, and in
 * which order the checks run (DESIGN.md: Origin 403 → Content-Type 415 → size
 * and JSON syntax 413 / 400 → authentication 401 → schema 400 → membership 404
 * → role 403 → step-up 401 → state 409). The routes come from `routes`, so a
 * new route is held to all of this without a new test.
 */

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RouteDef } from '../../src/core/endpoint.ts';
import { MAX_BODY_BYTES } from '../../src/http/request.ts';
import { routes } from '../../src/http/routes/index.ts';
import { STEP_UP_MAX_AGE } from '../../src/policy/binding-step-up.ts';
import {
  createHarness,
  expectError,
  type Harness,
  isStateChanging,
  paramNames,
  pathOf,
  type RequestOptions,
  routeKey,
} from '../support.ts';

const ALLOWED_ORIGIN = 'https://admin.portal.test';
const harness = () => createHarness({ allowedOrigins: [ALLOWED_ORIGIN] });

/** A body each route accepts (beyond `{}`), so a refusal can be pinned on the one fault a test adds. */
const VALID_BODIES: Record<string, unknown> = {
  'PUT /accounts/:accountId/policy': { mode: 'optional' },
  'POST /me/totp/confirm': { code: '123456' },
  'POST /challenge': { code: '123456' },
  'POST /me/nudge/snooze': { kind: 'set_up' },
  'POST /me/webauthn/credentials': {
    response: {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      response: { clientDataJSON: 'e30', attestationObject: 'oA' },
      clientExtensionResults: {},
    },
  },
  'PATCH /me/webauthn/credentials/:credentialId': { name: 'Laptop' },
};

function validBody(route: RouteDef): unknown {
  if (!route.body) return undefined;
  if (routeKey(route) in VALID_BODIES) return VALID_BODIES[routeKey(route)];
  if (route.body.safeParse({}).success) return {};
  throw new Error(`${routeKey(route)}: add a valid body to VALID_BODIES`);
}

/** The caller who passes every check up to the route's own: ada, admin of acme (the default account). */
const CALLER = 'ada';
const JSON_TYPE = { 'content-type': 'application/json' };

interface CallOptions extends Omit<RequestOptions, 'as'> {
  /** The caller; default ada, `null` for an anonymous request. */
  as?: string | null;
  params?: Record<string, string>;
}

/** The route called by ada on acme with a valid body, with `options` on top. */
function call(h: Harness, route: RouteDef, options: CallOptions = {}) {
  const { params, as = CALLER, ...rest } = options;
  const body = validBody(route);
  return h.json(route.method, pathOf(route, params), {
    ...(as === null ? {} : { as }),
    ...(body === undefined || rest.rawBody !== undefined ? {} : { body }),
    ...rest,
  });
}

const ANONYMOUS = { as: null };

/** The route's valid body as request options (none for a route without one). */
function bodyOf(route: RouteDef): RequestOptions {
  const body = validBody(route);
  return body === undefined ? {} : { body };
}

/** Values of the wrong JSON type for each property of each object in the route's body schema. */
function wrongTypeBodies(route: RouteDef): { label: string; body: unknown }[] {
  if (!route.body) return [];
  const schema = z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) as {
    anyOf?: { properties?: Record<string, { type?: string }> }[];
    properties?: Record<string, { type?: string }>;
  };
  const shapes = schema.anyOf ?? [schema];
  const wrongFor: Record<string, unknown[]> = {
    string: [123456, true, null, ['123456'], { value: '123456' }],
    integer: ['7', 1.5, true, null, [7]],
    number: ['7', true, null, [7]],
    boolean: ['true', 1, null, [true]],
  };
  const base = validBody(route) as Record<string, unknown>;
  return shapes.flatMap((shape) =>
    Object.entries(shape.properties ?? {}).flatMap(([key, property]) =>
      (wrongFor[property.type ?? ''] ?? [{ unexpected: 'type' }]).map((value) => ({
        label: `${key}: ${JSON.stringify(value)}`,
        body: { ...(key in base ? base : {}), [key]: value },
      })),
    ),
  );
}

/** A JSON object body of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const frame = '{"padding":""}';
  return `{"padding":"${'x'.repeat(bytes - frame.length)}"}`;
}

const withBody = routes.filter((r) => r.body !== undefined);
const stateChanging = routes.filter(isStateChanging);
const readOnly = routes.filter((r) => !isStateChanging(r));
const accountRoutes = routes.filter((r) => r.access === 'member' || r.access === 'admin');
const withParams = routes.filter((r) => paramNames(r).length > 0);

describe('the route table', () => {
  it('has a valid body for each route that takes one, and only state-changing routes take one', () => {
    for (const route of withBody) expect(route.body?.safeParse(validBody(route)).success).toBe(true);
    for (const route of routes)
      expect(route.body !== undefined, routeKey(route)).toBe(isStateChanging(route));
  });

  it.each(routes.map((r) => [routeKey(r), r] as const))(
    '%s answers the valid call without a client error',
    async (_, route) => {
      // The baseline the other tests add one fault to: not refused for its input or its caller.
      const h = harness();
      const res = await call(h, route);
      expect(res.status).toBeLessThan(500);
      expect([
        'invalid_request',
        'unauthenticated',
        'not_member',
        'not_admin',
        'forbidden_origin',
      ]).not.toContain(res.body?.error?.code);
    },
  );
});

describe.each(routes.map((r) => [routeKey(r), r] as const))('%s', (_, route) => {
  it('answers 401 unauthenticated to an anonymous request', async () => {
    const h = harness();
    expectError(await call(h, route, ANONYMOUS), 'unauthenticated');
    // An unknown user is anonymous too.
    expectError(await call(h, route, { as: 'mallory' }), 'unauthenticated');
  });

  it('refuses an unknown query parameter with 400', async () => {
    const h = harness();
    const error = expectError(
      await h.json(route.method, `${pathOf(route)}?debug=1`, { as: CALLER, ...bodyOf(route) }),
      'invalid_request',
    );
    expect(error.details).toEqual([expect.objectContaining({ in: 'query' })]);
  });
});

describe.each(accountRoutes.map((r) => [routeKey(r), r] as const))('%s (account route)', (_, route) => {
  it('answers 404 not_member for an unknown account and one the caller does not belong to', async () => {
    const h = harness();
    expectError(await call(h, route, { params: { accountId: 'no-such-account' } }), 'not_member');
    expectError(await call(h, route, { params: { accountId: 'solo' } }), 'not_member');
    expectError(await call(h, route, { as: 'olga' }), 'not_member');
  });

  if (route.access === 'admin') {
    it('answers 403 not_admin to a member who is not an administrator', async () => {
      const h = harness();
      expectError(await call(h, route, { as: 'max' }), 'not_admin');
      expectError(
        await call(h, route, { as: 'sam', params: { accountId: 'contoso', userId: 'cleo' } }),
        'not_admin',
      );
    });
  } else {
    it('lets a plain member in', async () => {
      const h = harness();
      const res = await call(h, route, { as: 'max' });
      expect(res.status).toBe(200);
    });
  }
});

describe.each(withParams.map((r) => [routeKey(r), r] as const))('%s (path parameters)', (_, route) => {
  it.each(paramNames(route))('refuses a malformed :%s with 400', async (name) => {
    const h = harness();
    // Host ids are at most 200 characters; a WebAuthn credential id at most 1023 bytes (1364 base64url).
    const tooLong = 'x'.repeat(name === 'credentialId' ? 1365 : 201);
    for (const value of ['with space', 'a/b', 'tab\there', tooLong]) {
      const error = expectError(await call(h, route, { params: { [name]: value } }), 'invalid_request');
      expect(error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ in: 'path', path: [name] })]),
      );
    }
  });
});

describe.each(withBody.map((r) => [routeKey(r), r] as const))('%s (body)', (_, route) => {
  it('refuses malformed JSON with 400 invalid_request', async () => {
    const h = harness();
    for (const rawBody of ['{', '{"code":', "{'code':'123456'}", '{"a":1,}', 'undefined', '\u00ff\u00fe']) {
      expectError(await call(h, route, { rawBody, headers: JSON_TYPE }), 'invalid_request');
    }
    // Bytes that are not UTF-8.
    const res = await h.host.request(`http://portal.test${pathOf(route)}`, {
      method: route.method,
      headers: { ...JSON_TYPE, 'x-test-user': CALLER },
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expectError({ status: res.status, body: await res.json(), res }, 'invalid_request');
  });

  it('refuses a body that is not an object with 400', async () => {
    const h = harness();
    for (const rawBody of ['[]', '[{}]', '"{}"', '0', 'true', 'null']) {
      const error = expectError(await call(h, route, { rawBody, headers: JSON_TYPE }), 'invalid_request');
      expect(error.details?.[0]).toMatchObject({ in: 'body' });
    }
  });

  const wrongTypes = wrongTypeBodies(route);
  if (wrongTypes.length > 0) {
    it('refuses a field of the wrong type with 400', async () => {
      const h = harness();
      for (const { label, body } of wrongTypes) {
        const res = await call(h, route, { body });
        expect({ label, code: res.body?.error?.code }).toEqual({ label, code: 'invalid_request' });
        expectError(res, 'invalid_request');
      }
    });
  }

  it('refuses an unknown field with 400', async () => {
    const h = harness();
    const fields = JSON.stringify(validBody(route)).slice(1, -1);
    for (const extra of [
      '"admin":true',
      '"constructor":{}',
      '"__proto__":{"mode":"optional"}',
      '"CODE":"1"',
    ]) {
      const rawBody = `{${fields}${fields ? ',' : ''}${extra}}`;
      const res = await call(h, route, { rawBody, headers: JSON_TYPE });
      expect({ rawBody, code: res.body?.error?.code }).toEqual({ rawBody, code: 'invalid_request' });
      expectError(res, 'invalid_request');
    }
  });

  it('refuses a body over 16 KiB with 413 payload_too_large, declared or not', async () => {
    const h = harness();
    const big = jsonOfSize(MAX_BODY_BYTES + 1);
    expectError(await call(h, route, { rawBody: big, headers: JSON_TYPE }), 'payload_too_large');
    expectError(
      await call(h, route, {
        rawBody: big,
        headers: { ...JSON_TYPE, 'content-length': String(big.length) },
      }),
      'payload_too_large',
    );
    // A declared length past the limit is refused before the body is read.
    expectError(
      await call(h, route, {
        rawBody: '{}',
        headers: { ...JSON_TYPE, 'content-length': String(10 * MAX_BODY_BYTES) },
      }),
      'payload_too_large',
    );
    // Streamed without a length.
    const chunk = new TextEncoder().encode(' '.repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await h.host.request(`http://portal.test${pathOf(route)}`, {
      method: route.method,
      headers: { ...JSON_TYPE, 'x-test-user': CALLER },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectError({ status: res.status, body: await res.json(), res }, 'payload_too_large');
  });

  it('reads a body of exactly 16 KiB', async () => {
    const h = harness();
    const res = await call(h, route, { rawBody: jsonOfSize(MAX_BODY_BYTES), headers: JSON_TYPE });
    // Parsed, then refused by the schema for its unknown field: not by its size.
    expectError(res, 'invalid_request');
    expect(res.body.error.details).toBeDefined();
  });

  it('refuses a body that is not application/json with 415', async () => {
    const h = harness();
    const body = JSON.stringify(validBody(route));
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      'application/json-patch+json',
      'text/json',
      '',
    ]) {
      const res = await call(h, route, { rawBody: body, headers: { 'content-type': type } });
      expect({ type, code: res.body?.error?.code }).toEqual({ type, code: 'unsupported_media_type' });
      expectError(res, 'unsupported_media_type');
    }
    // No content type at all (fetch then says text/plain).
    expectError(await call(h, route, { rawBody: body }), 'unsupported_media_type');
  });

  it('accepts application/json with parameters and in any case', async () => {
    const h = harness();
    const body = JSON.stringify(validBody(route));
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/json;charset=UTF-8',
    ]) {
      const res = await call(h, route, { rawBody: body, headers: { 'content-type': type } });
      expect(res.body?.error?.code).not.toBe('unsupported_media_type');
      expect(res.body?.error?.code).not.toBe('invalid_request');
    }
  });
});

describe.each(stateChanging.map((r) => [routeKey(r), r] as const))('%s (state-changing)', (_, route) => {
  it('refuses a foreign Origin with 403 forbidden_origin', async () => {
    const h = harness();
    for (const origin of [
      'https://evil.test',
      'null',
      'https://portal.test',
      'http://portal.test:8080',
      'http://sub.portal.test',
      'http://portal.test.evil.test',
      `${ALLOWED_ORIGIN}/`,
    ]) {
      const res = await call(h, route, { headers: { origin } });
      expect({ origin, code: res.body?.error?.code }).toEqual({ origin, code: 'forbidden_origin' });
      expectError(res, 'forbidden_origin');
    }
    expect(h.events).toEqual([]);
  });

  it('lets the same origin, an allowed origin and a request without Origin through', async () => {
    for (const headers of [{ origin: 'http://portal.test' }, { origin: ALLOWED_ORIGIN }, {}]) {
      const h = harness();
      const res = await call(h, route, { headers });
      expect(res.body?.error?.code).not.toBe('forbidden_origin');
      expect(res.status).toBeLessThan(500);
    }
  });

  it('answers in order: Origin before Content-Type before size and JSON before authentication', async () => {
    const h = harness();
    const evil = { origin: 'https://evil.test' };
    const big = jsonOfSize(MAX_BODY_BYTES + 1);
    // foreign origin + wrong content type → 403
    expectError(
      await call(h, route, { rawBody: 'x', headers: { ...evil, 'content-type': 'text/plain' } }),
      'forbidden_origin',
    );
    // foreign origin + anonymous + malformed → 403
    expectError(
      await call(h, route, { ...ANONYMOUS, rawBody: '{', headers: { ...evil, ...JSON_TYPE } }),
      'forbidden_origin',
    );
    // wrong content type + anonymous → 415
    expectError(
      await call(h, route, { ...ANONYMOUS, rawBody: '{}', headers: { 'content-type': 'text/plain' } }),
      'unsupported_media_type',
    );
    // wrong content type + oversize → 415, declared or not
    expectError(
      await call(h, route, { rawBody: big, headers: { 'content-type': 'text/plain' } }),
      'unsupported_media_type',
    );
    expectError(
      await call(h, route, {
        rawBody: big,
        headers: { 'content-type': 'text/plain', 'content-length': String(big.length) },
      }),
      'unsupported_media_type',
    );
    // oversize + malformed JSON + anonymous → 413
    expectError(
      await call(h, route, { ...ANONYMOUS, rawBody: `{${big}`, headers: JSON_TYPE }),
      'payload_too_large',
    );
    // malformed JSON + anonymous → 400
    expectError(await call(h, route, { ...ANONYMOUS, rawBody: '{"', headers: JSON_TYPE }), 'invalid_request');
    // anonymous + bad schema → 401
    expectError(await call(h, route, { ...ANONYMOUS, body: { unexpected: [1] } }), 'unauthenticated');
  });
});

describe.each(routes.map((r) => [routeKey(r), r] as const))('%s (order after authentication)', (_, route) => {
  if (paramNames(route).length > 0) {
    it('anonymous + bad path parameter → 401', async () => {
      const h = harness();
      expectError(
        await call(h, route, { ...ANONYMOUS, params: { accountId: 'a b', userId: 'a b' } }),
        'unauthenticated',
      );
    });
  }

  it('anonymous + unknown query parameter → 401', async () => {
    const h = harness();
    expectError(
      await h.json(route.method, `${pathOf(route)}?debug=1`, { ...bodyOf(route) }),
      'unauthenticated',
    );
  });

  if (route.access === 'member' || route.access === 'admin') {
    it('bad schema + non-member → 400', async () => {
      const h = harness();
      expectError(
        await h.json(route.method, `${pathOf(route, { accountId: 'solo' })}?debug=1`, {
          as: CALLER,
          ...bodyOf(route),
        }),
        'invalid_request',
      );
      if (route.body)
        expectError(
          await call(h, route, { params: { accountId: 'solo' }, body: { unexpected: 1 } }),
          'invalid_request',
        );
      if (paramNames(route).includes('userId'))
        expectError(
          await call(h, route, { params: { accountId: 'solo', userId: 'a b' } }),
          'invalid_request',
        );
    });
  }

  if (route.access === 'admin') {
    it('non-member + admin route → 404, not 403', async () => {
      const h = harness();
      // max is a member of acme only: in contoso and solo he is no member at all.
      expectError(await call(h, route, { as: 'max', params: { accountId: 'solo' } }), 'not_member');
      expectError(await call(h, route, { as: 'max', params: { accountId: 'contoso' } }), 'not_member');
    });
  }

  if (route.access === 'admin' && route.stepUp) {
    it('non-admin + missing step-up → 403 not_admin', async () => {
      const h = harness();
      await h.enroll('max');
      h.advance(STEP_UP_MAX_AGE + 1);
      expectError(await call(h, route, { as: 'max' }), 'not_admin');
    });
  }

  if (route.stepUp) {
    it('missing step-up → 401 before the state of the request is judged', async () => {
      const h = harness();
      await h.enroll(CALLER);
      // A rename asks for a verified session (12 hours), the others for a 15-minute step-up.
      const stepUp = route.stepUp;
      h.advance((stepUp?.({} as never) === 'verified_session' ? 12 * 3600 : STEP_UP_MAX_AGE) + 1);
      expectError(await call(h, route), 'step_up_required');
    });
  }
});

describe('order of the state checks', () => {
  it('a missing step-up (401) comes before a stale version (409)', async () => {
    const h = harness();
    await h.enroll('ada');
    await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } });
    h.advance(STEP_UP_MAX_AGE + 1);
    expectError(
      await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional', version: 0 } }),
      'step_up_required',
    );
  });

  it('a missing step-up (401) comes before shared_member and mfa_required_by_policy (409)', async () => {
    const h = harness();
    await h.enroll('ada');
    await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_admins' } });
    h.advance(STEP_UP_MAX_AGE + 1);
    expectError(
      await h.json('DELETE', '/mfa/accounts/acme/members/sam/mfa', { as: 'ada' }),
      'step_up_required',
    );
    expectError(await h.json('DELETE', '/mfa/me/totp', { as: 'ada' }), 'step_up_required');
  });

  it('a schema fault (400) is answered before the state, and is not counted as an attempt', async () => {
    const h = harness();
    const { secret } = await h.enroll('max');
    for (let i = 0; i < 10; i++) {
      expectError(
        await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: '12345' } }),
        'invalid_request',
      );
      expectError(
        await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: '123456', recoveryCode: 'x' } }),
        'invalid_request',
      );
    }
    expect(await h.store.getAttempts('max')).toMatchObject({ failures: 0 });
    const ok = await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: await h.code(secret) } });
    expect(ok.status).toBe(200);
  });
});

describe('read-only routes', () => {
  it.each(readOnly.map((r) => [routeKey(r), r] as const))(
    '%s does not refuse a cross-origin read',
    async (_, route) => {
      const h = harness();
      const res = await call(h, route, { headers: { origin: 'https://evil.test' } });
      expect(res.status).toBe(200);
    },
  );

  it('refuses bad audit paging parameters with 400', async () => {
    const h = harness();
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'limit=1.5',
      'limit=',
      'cursor=abc',
      'cursor=-1',
      'cursor=1e3',
    ]) {
      const res = await h.json('GET', `/mfa/accounts/acme/audit?${query}`, { as: CALLER });
      expect({ query, code: res.body?.error?.code }).toEqual({ query, code: 'invalid_request' });
    }
    expect((await h.json('GET', '/mfa/accounts/acme/audit?limit=100&cursor=12', { as: CALLER })).status).toBe(
      200,
    );
  });
});

describe('unknown paths and methods', () => {
  it('answer 404 not_found as JSON', async () => {
    const h = harness();
    for (const [method, path] of [
      ['GET', '/mfa/nope'],
      ['GET', '/mfa/'],
      ['POST', '/mfa/me/nope'],
      ['GET', '/mfa/accounts/acme'],
      ['GET', '/mfa/accounts/acme/policy/extra'],
      ['PATCH', '/mfa/me'],
      ['POST', '/mfa/accounts/acme/policy'],
      ['DELETE', '/mfa/challenge'],
      ['GET', '/mfa/challenge'],
    ] as const) {
      for (const as of [CALLER, undefined]) {
        const res = await h.json(method, path, as ? { as } : {});
        expect({ method, path, code: res.body?.error?.code }).toEqual({ method, path, code: 'not_found' });
        expectError(res, 'not_found');
      }
    }
  });
});
