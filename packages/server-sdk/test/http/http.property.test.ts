/**
 * Random requests to every route of the route table (and to paths that are no
 * route): random bodies, content types, headers, path ids and callers. Whatever
 * a client sends, the API answers with JSON, either a success or an error of
 * the documented shape whose code is in the registry, and never with a 5xx
 * (DESIGN.md: "Never a 500 for anything a client sent"; a 503 here would be an
 * unexpected throw turned into `unavailable`).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RouteDef } from '../../src/core/endpoint.ts';
import { routes } from '../../src/http/routes/index.ts';
import { policyModes } from '../../src/model.ts';
import { createHarness, errorShapeProblems, type Harness, paramNames, routeKey } from '../support.ts';

const ALLOWED_ORIGIN = 'https://admin.portal.test';
const USERS = ['ada', 'max', 'sam', 'cleo', 'olga'] as const;

// ── what a client may send ────────────────────────────────────────────────

/** Mostly a plausible request with one or two things wrong, so that the handlers behind the checks run too. */
const caller: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<string>(...USERS) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, 'mallory', '') },
);
const session = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('s1', 's2', 'ada-s1', 'max-s1', 'sam-s1') },
);

/** Path ids: real ones, look-alikes and arbitrary text (encoded, as a browser would send it). */
const pathId = fc
  .oneof(
    {
      weight: 12,
      arbitrary: fc.constantFrom('acme', 'contoso', 'solo', 'ada', 'max', 'sam', 'cleo', 'olga'),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '%', '..'),
    },
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ minLength: 190, maxLength: 260 }) },
  )
  .map((id) => encodeURIComponent(id) || 'x');

/** Objects with the keys the routes know, holding values of any type. */
const knownKeys = fc.record(
  {
    mode: fc.oneof(fc.constantFrom<unknown>(...policyModes), fc.anything()),
    gracePeriodDays: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double(), fc.anything()),
    enforceAfterSso: fc.oneof(fc.boolean(), fc.anything()),
    version: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.double(), fc.anything()),
    code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string(), fc.anything()),
    recoveryCode: fc.oneof(fc.stringMatching(/^[a-z2-7]{5}-[a-z2-7]{5}$/), fc.string(), fc.anything()),
  },
  { requiredKeys: [] },
);

/** Bodies some route accepts. */
const plausible = fc.oneof(
  fc.record(
    {
      mode: fc.constantFrom(...policyModes),
      gracePeriodDays: fc.integer({ min: 0, max: 90 }),
      enforceAfterSso: fc.boolean(),
      version: fc.integer({ min: 0, max: 4 }),
    },
    { requiredKeys: ['mode'] },
  ),
  fc.record({ code: fc.stringMatching(/^\d{6}$/) }),
  fc.record({ recoveryCode: fc.stringMatching(/^[a-z2-7]{5}-[a-z2-7]{5}$/) }),
  fc.constant({}),
);

/** A raw body: JSON of anything, JSON text, non-JSON text, or nothing. */
const rawBody: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: plausible.map((value) => JSON.stringify(value)) },
  { weight: 3, arbitrary: knownKeys.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.anything().map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.json() },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{}', 'null', '[]', '{"code":"123456"}') },
  // Around the 16 KiB limit.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 16_370, max: 16_400 }).map((n) => `{"x":"${'y'.repeat(n - 8)}"}`),
  },
);

/** Printable ASCII: what a header value may hold. */
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=zz',
        'application/json-patch+json',
        ';',
      ),
      headerValue,
    ),
  },
);

const origin = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom('http://portal.test', ALLOWED_ORIGIN) },
  { weight: 1, arbitrary: fc.constantFrom('https://evil.test', 'null', 'http://portal.test:81') },
  { weight: 1, arbitrary: headerValue },
);

const someHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'content-length',
      'x-test-auth',
      'x-test-sso-account',
      'accept',
      'cookie',
      'authorization',
      'x-forwarded-host',
      'content-encoding',
    ),
    fc.stringMatching(/^x-[a-z0-9-]{1,12}$/),
  ),
  fc.oneof(fc.constantFrom('sso', '0', '1', '16385', '-1', 'NaN', 'gzip', 'acme'), headerValue),
  { maxKeys: 3 },
);
const otherHeaders = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: someHeaders },
);

const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');

interface RandomRequest {
  method: string;
  path: string;
  user: string | undefined;
  session: string | undefined;
  body: string | undefined;
  contentType: string | undefined;
  origin: string | undefined;
  headers: Record<string, string>;
}

/** A request to `route` with everything else random. */
function requestTo(
  route: RouteDef,
  query: fc.Arbitrary<string> = fc.constant(''),
): fc.Arbitrary<RandomRequest> {
  const ids = fc.tuple(...paramNames(route).map(() => pathId));
  return fc.record({
    method: fc.oneof({ weight: 19, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: method }),
    path: fc.tuple(ids, query).map(([values, q]) => {
      let i = 0;
      return `/mfa${route.path.replace(/:\w+/g, () => values[i++] ?? 'x')}${q}`;
    }),
    user: caller,
    session,
    body: rawBody,
    contentType,
    origin,
    headers: otherHeaders,
  });
}

const auditQuery = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom('limit', 'cursor', 'after', 'x'),
      fc.oneof(headerValue, fc.integer().map(String)),
      {
        maxKeys: 2,
      },
    )
    .map((q) => `?${new URLSearchParams(q)}`),
);

// ── what it must answer ────────────────────────────────────────────────────

let h: Harness;

async function send(request: RandomRequest): Promise<{ status: number; text: string; res: Response } | null> {
  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(request.headers)) headers.set(name, value);
    if (request.contentType !== undefined) headers.set('content-type', request.contentType);
    if (request.origin !== undefined) headers.set('origin', request.origin);
    if (request.user !== undefined) headers.set('x-test-user', request.user);
    if (request.session !== undefined) headers.set('x-test-session', request.session);
  } catch {
    return null; // a header no client could send
  }
  const body = request.method === 'GET' ? undefined : request.body;
  let req: Request;
  try {
    req = new Request(`http://portal.test${request.path}`, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  } catch {
    return null; // no client could send this request either
  }
  const res = await h.host.request(req);
  return { status: res.status, text: await res.text(), res };
}

function checkAnswer(answer: { status: number; text: string; res: Response }): void {
  const { status, text, res } = answer;
  expect(status, text).toBeLessThan(500);
  // A file route's success is its file (the CSV exports, UTF-8 with a byte-order mark); its errors are JSON.
  if (status === 200 && res.headers.get('content-type') === 'text/csv; charset=utf-8') {
    expect(text.charCodeAt(0) === 0xfeff || text.startsWith('Name,') || text.startsWith('Time,')).toBe(true);
    return;
  }
  expect(res.headers.get('content-type'), text).toMatch(/^application\/json/);
  const body: unknown = JSON.parse(text);
  if (status >= 400) {
    expect(errorShapeProblems(status, body), text).toEqual([]);
    if (status === 429) {
      const { retryAfterSeconds } = (body as { error: { retryAfterSeconds?: number } }).error;
      expect(res.headers.get('retry-after')).toBe(String(retryAfterSeconds));
    }
  } else {
    expect(status).toBe(200);
    expect(typeof body === 'object' && body !== null && !Array.isArray(body) && !('error' in body)).toBe(
      true,
    );
  }
}

const property = (request: fc.Arbitrary<RandomRequest>) =>
  fc.asyncProperty(request, async (r) => {
    const answer = await send(r);
    if (answer) checkAnswer(answer);
  });

describe('random requests', () => {
  beforeAll(async () => {
    h = createHarness({ allowedOrigins: [ALLOWED_ORIGIN] });
    // Some state worth poking at: enrolled users, requiring policies, grace periods, pending setups.
    await h.enroll('ada');
    await h.enroll('cleo');
    await h.enroll('sam');
    await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } });
    await h.json('PUT', '/mfa/accounts/contoso/policy', { as: 'cleo', body: { mode: 'required_admins' } });
    await h.json('GET', '/mfa/accounts/acme/access', { as: 'max' });
    await h.json('POST', '/mfa/me/totp/setup', { as: 'olga' });
  });

  it.each(routes.map((r) => [routeKey(r), r] as const))(
    '%s: never a 5xx, always JSON of a success (or its file) or a registered error',
    async (_, route) => {
      const query = route.path.endsWith('/audit')
        ? auditQuery
        : fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: auditQuery });
      await fc.assert(property(requestTo(route, query)), { numRuns: 600 });
    },
  );

  it('a valid caller with a JSON body is refused with 400 exactly when the schema refuses the body', async () => {
    const withBody = routes.filter((r) => r.body !== undefined);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withBody),
        fc.oneof(
          knownKeys,
          fc.anything(),
          fc.json().map((text) => JSON.parse(text) as unknown),
        ),
        async (route, value) => {
          const text = JSON.stringify(value);
          fc.pre(text !== undefined);
          const parsed: unknown = JSON.parse(text);
          const answer = await send({
            method: route.method,
            path: `/mfa${route.path.replace(':accountId', 'acme').replace(':userId', 'max').replace(':credentialId', 'AAAA').replace(':deviceId', 'AAAA')}`,
            user: 'ada',
            session: 'fresh',
            body: text,
            contentType: 'application/json',
            origin: undefined,
            headers: {},
          });
          if (!answer) throw new Error('the request could not be built');
          checkAnswer(answer);
          const code =
            answer.status >= 400 ? (JSON.parse(answer.text) as { error: { code: string } }).error.code : null;
          const accepted = route.body?.safeParse(parsed).success;
          expect(code === 'invalid_request', `${routeKey(route)} ${text} → ${answer.text}`).toBe(!accepted);
        },
      ),
      { numRuns: 800 },
    );
  });

  it('unknown paths and methods answer 404 not_found as JSON', async () => {
    const segment = fc.oneof(
      fc.constantFrom('accounts', 'acme', 'me', 'totp', 'policy', 'members', 'challenge', 'openapi.json', ''),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(method, fc.array(segment, { maxLength: 6 }), caller, async (m, segments, user) => {
        const path = `/mfa/${segments.join('/')}`;
        const known = routes.some(
          (r) => new RegExp(`^/mfa${r.path.replace(/:\w+/g, '[^/]+')}$`).test(path) && r.method === m,
        );
        fc.pre(!known && !(path === '/mfa/openapi.json' && m === 'GET'));
        const answer = await send({
          method: m,
          path,
          user,
          session: undefined,
          body: undefined,
          contentType: undefined,
          origin: undefined,
          headers: {},
        });
        if (!answer) return;
        checkAnswer(answer);
        expect(answer.status, `${m} ${path}`).toBe(404);
      }),
      { numRuns: 300 },
    );
  });
});
