/**
 * Step-up on the host's own sensitive routes (`mfa.guard({ stepUp })`, `mfa.evaluate({ stepUp })`).
 * A payout or an export behind it must need the user's own second factor, freshly: someone
 * who walks up to an unlocked, verified browser, holds a stolen remembered-device cookie, or
 * signed in through the account's identity provider without a second factor must not get
 * through on what the session already has. So each test shows the route refused on what
 * does not count (an old verification, one second past the window; a device; an SSO
 * sign-in; an app code where only passkeys count) and then let in after a fresh
 * verification through `POST /challenge`, as `<mfa-challenge>` sends it, so that a refusal
 * proves the check and not a broken setup. A user with no factor the account accepts cannot
 * step up at all: `mfa_required_for_action`, or `enrollment_required` once the account
 * requires MFA of them and their grace period is over.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import { denialError, errorCodes, MfaConfigError, type Principal } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { DAY_S, rememberWithCode, setPolicy, withCookie } from '../devices/devices.helpers.ts';
import { createHarness, expectError, type Harness, type RequestOptions } from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { addPasskey, verifyWithPasskey } from '../webauthn/passkeys.ts';

// ajv-formats is CommonJS: its default export arrives as the module object under some loaders.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ??
  addFormatsImport) as typeof addFormatsImport;

const WINDOW = 300;
const PAYOUTS = '/accounts/acme/payouts/details';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.mfa.close();
});

/**
 * The test host on SQLite, with the README's step-up route: every account route behind
 * `mfa.guard()`, payouts also behind `mfa.guard({ stepUp: 300 })`.
 */
function harness(options: Parameters<typeof createHarness>[0] = {}) {
  const h = createHarness({ store: sqliteStore({ filename: ':memory:' }), ...options });
  h.host.use('/accounts/:accountId/payouts/*', h.mfa.guard({ stepUp: WINDOW }));
  h.host.put('/accounts/:accountId/payouts/details', (c) =>
    c.json({ saved: true, decision: c.get('mfaDecision') }),
  );
  open.push(h);
  return h;
}

const payouts = (h: Harness, options: RequestOptions, path = PAYOUTS) =>
  h.json('PUT', path, { ...options, body: { iban: 'DE89370400440532013000' } });

/** `POST /challenge` with a code of the user's app, now; answers when the session was verified. */
async function verifyWithCode(h: Harness, who: RequestOptions): Promise<Date> {
  const res = await h.json('POST', '/mfa/challenge', {
    ...who,
    body: { code: await h.code(h.secrets[who.as as string] as string) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return new Date(res.body.verifiedAt);
}

const at = (h: Harness, time: Date, plusSeconds: number) => {
  h.clock.now = new Date(time.getTime() + plusSeconds * 1000);
};

describe('a fresh verification, within the window', () => {
  it('passes at the window and not one second past it; verifying again in the verified session passes again', async () => {
    const h = harness();
    await h.enroll('max');
    const max = { as: 'max', session: 'max-pay' };
    const first = await verifyWithCode(h, max);
    at(h, first, WINDOW);
    const allowed = await payouts(h, max);
    expect(allowed.status).toBe(200);
    expect(allowed.body.decision).toEqual({ allow: true, reason: 'verified' });

    at(h, first, WINDOW + 1);
    const refused = expectError(await payouts(h, max), 'step_up_required');
    expect(refused).toMatchObject({ maxAgeSeconds: WINDOW, accepts: ['totp'] });
    // The session itself is still verified: the rest of the account stays open.
    expect((await h.json('GET', '/accounts/acme/area', max)).status).toBe(200);

    // The verified session verifies again: its verifiedAt moves on, in the store too.
    const again = await verifyWithCode(h, max);
    expect(again.getTime()).toBe(h.clock.now.getTime());
    expect((await h.store.getSession('max', 'max-pay'))?.verifiedAt).toEqual(again);
    expect((await payouts(h, max)).status).toBe(200);
    at(h, again, WINDOW + 1);
    expectError(await payouts(h, max), 'step_up_required');
  });

  it('a passkey, as <mfa-challenge> sends it (POST /challenge/webauthn, then POST /challenge), steps up', async () => {
    const h = harness();
    const max = { as: 'max', session: 'max-pk' };
    const key = softwareAuthenticator();
    expect((await addPasskey(h, max, key)).status).toBe(200);
    h.advance(WINDOW + 1);
    expectError(await payouts(h, max), 'step_up_required');
    expect((await payouts(h, max)).body.error.accepts).toEqual(['webauthn']);
    expect((await verifyWithPasskey(h, max, key)).status).toBe(200);
    expect((await payouts(h, max)).status).toBe(200);
  });

  it('the guard without stepUp is unchanged: an hours-old verification enters, the step-up route does not', async () => {
    const h = harness();
    await h.enroll('max');
    const verifiedAt = await verifyWithCode(h, { as: 'max' });
    at(h, verifiedAt, 11 * 3600);
    const area = await h.json('GET', '/accounts/acme/area', { as: 'max' });
    expect(area.status).toBe(200);
    expect(area.body.decision).toEqual({ allow: true, reason: 'verified' });
    expectError(await payouts(h, { as: 'max' }), 'step_up_required');
  });
});

describe('what never counts as a step-up', () => {
  it('a remembered device: it enters the account, but the payout asks for the factor', async () => {
    const h = harness();
    await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
    await h.enroll('max');
    const { token } = await rememberWithCode(h, 'max');
    h.advance(DAY_S);
    const fromDevice = withCookie(token as string, { as: 'max', session: 'max-next-day' });
    expect((await h.json('GET', '/accounts/acme/area', fromDevice)).status).toBe(200);
    expect((await h.store.getSession('max', 'max-next-day'))?.method).toBe('remembered_device');
    const refused = expectError(await payouts(h, fromDevice), 'step_up_required');
    expect(refused).toMatchObject({ maxAgeSeconds: WINDOW, accepts: ['totp'] });
    // Not even straight after the device marked the session.
    expectError(await payouts(h, fromDevice), 'step_up_required');
    await verifyWithCode(h, fromDevice);
    expect((await payouts(h, fromDevice)).status).toBe(200);
  });

  it('a delegated SSO sign-in: a user with a factor is asked for it, one without gets mfa_required_for_action', async () => {
    const h = harness();
    const payoutsOfContoso = '/accounts/contoso/payouts/details';
    const viaSso = { as: 'cleo', session: 'cleo-sso', sso: true, ssoAccountId: 'contoso' };
    // No factor: the account is open through SSO, the step-up cannot be done.
    const area = await h.json('GET', '/accounts/contoso/area', viaSso);
    expect(area.body.decision).toEqual({ allow: true, reason: 'sso_delegated' });
    const noFactor = expectError(await payouts(h, viaSso, payoutsOfContoso), 'mfa_required_for_action');
    expect(noFactor.accepts).toEqual(['totp', 'webauthn']);
    expect(noFactor.message).toMatch(/set up multi-factor authentication first/i);
    // With an app (set up in a password session), the SSO session must verify with it.
    await h.enroll('cleo', 'cleo-password');
    expectError(await payouts(h, viaSso, payoutsOfContoso), 'step_up_required');
    await verifyWithCode(h, viaSso);
    expect((await payouts(h, viaSso, payoutsOfContoso)).status).toBe(200);
  });
});

describe('recovery codes', () => {
  it('a recovery-code verification steps up within the window (the way back in), not past it', async () => {
    const h = harness();
    const { recoveryCodes } = await h.enroll('max');
    const max = { as: 'max', session: 'max-lost-phone' };
    expectError(await payouts(h, max), 'challenge_required');
    const res = await h.json('POST', '/mfa/challenge', { ...max, body: { recoveryCode: recoveryCodes[0] } });
    expect(res.body.method).toBe('recovery');
    expect((await payouts(h, max)).status).toBe(200);
    at(h, new Date(res.body.verifiedAt), WINDOW + 1);
    expectError(await payouts(h, max), 'step_up_required');
  });

  it('not in a phishing-resistant account: a recovery code lets the user in there, but passes no step-up', async () => {
    const h = harness();
    const max = { as: 'max', session: 'max-pr' };
    const key = softwareAuthenticator();
    const added = await addPasskey(h, max, key);
    await setPolicy(h, 'acme', { mode: 'required_all', allowedFactors: 'phishing_resistant' });
    h.advance(WINDOW + 1);
    expectError(await payouts(h, max), 'step_up_required');
    const res = await h.json('POST', '/mfa/challenge', {
      ...max,
      body: { recoveryCode: added.body.recoveryCodes[0] },
    });
    expect(res.status).toBe(200);
    // A phishable code: the way back in, never a payout's step-up where only passkeys count.
    expect((await h.json('GET', '/accounts/acme/area', max)).status).toBe(200);
    expect(expectError(await payouts(h, max), 'step_up_required').accepts).toEqual(['webauthn']);
    expect((await verifyWithPasskey(h, max, key)).status).toBe(200);
    expect((await payouts(h, max)).status).toBe(200);
  });
});

describe('the phishing-resistant policy', () => {
  it('an app code does not step up in a phishing-resistant account; a passkey does', async () => {
    const h = harness();
    const max = { as: 'max', session: 'max-both' };
    await h.enroll('max', 'max-both');
    const key = softwareAuthenticator();
    expect((await addPasskey(h, max, key)).status).toBe(200);
    await setPolicy(h, 'acme', { mode: 'required_all', allowedFactors: 'phishing_resistant' });
    expect((await verifyWithPasskey(h, max, key)).status).toBe(200);
    expect((await payouts(h, max)).status).toBe(200);
    h.advance(WINDOW + 1);
    // Only the passkey is offered, though max has an app too.
    expect(expectError(await payouts(h, max), 'step_up_required').accepts).toEqual(['webauthn']);
    await verifyWithCode(h, max);
    expect((await payouts(h, max)).status).toBeGreaterThanOrEqual(400);
    expectError(await payouts(h, max), 'challenge_required');
    expect((await verifyWithPasskey(h, max, key)).status).toBe(200);
    expect((await payouts(h, max)).status).toBe(200);
  });

  it('a user with only an app in an optional phishing-resistant account cannot step up: mfa_required_for_action', async () => {
    const h = harness();
    await h.enroll('max');
    await setPolicy(h, 'acme', { mode: 'optional', allowedFactors: 'phishing_resistant' });
    await verifyWithCode(h, { as: 'max' });
    expect((await h.json('GET', '/accounts/acme/area', { as: 'max' })).status).toBe(200);
    const refused = expectError(await payouts(h, { as: 'max' }), 'mfa_required_for_action');
    expect(refused.accepts).toEqual(['webauthn']);
  });
});

describe('a user without MFA', () => {
  it('optional account: mfa_required_for_action, telling them to set up MFA first', async () => {
    const h = harness();
    expect((await h.json('GET', '/accounts/acme/area', { as: 'max' })).status).toBe(200);
    const refused = expectError(await payouts(h, { as: 'max' }), 'mfa_required_for_action');
    expect(refused).toEqual({
      code: 'mfa_required_for_action',
      message: errorCodes.mfa_required_for_action.message,
      accepts: ['totp', 'webauthn'],
    });
  });

  it('a policy that does not require it of them (required_admins, a member): mfa_required_for_action', async () => {
    const h = harness();
    await setPolicy(h, 'acme', { mode: 'required_admins' });
    expectError(await payouts(h, { as: 'max' }), 'mfa_required_for_action');
  });

  it('inside the grace period: mfa_required_for_action with the deadline; after it: enrollment_required', async () => {
    const h = harness();
    await setPolicy(h, 'acme', { mode: 'required_all', gracePeriodDays: 7 });
    const deadline = new Date(h.clock.now.getTime() + 7 * DAY_S * 1000).toISOString();
    expect((await h.json('GET', '/accounts/acme/area', { as: 'max' })).body.decision.reason).toBe(
      'grace_period',
    );
    const inGrace = expectError(await payouts(h, { as: 'max' }), 'mfa_required_for_action');
    expect(inGrace).toMatchObject({ deadline, accepts: ['totp', 'webauthn'] });
    h.advance(7 * DAY_S);
    expect(expectError(await payouts(h, { as: 'max' }), 'enrollment_required').deadline).toBe(deadline);
    // Set up, and verified by the setup itself: the step-up passes.
    await h.enroll('max');
    await verifyWithCode(h, { as: 'max' });
    expect((await payouts(h, { as: 'max' })).status).toBe(200);
  });

  it('a step-up route starts the grace period like any evaluation', async () => {
    const h = harness();
    await setPolicy(h, 'acme', { mode: 'required_all', gracePeriodDays: 3 });
    expect(await h.store.getGraceStarts('acme', ['max'])).toEqual(new Map());
    expectError(await payouts(h, { as: 'max' }), 'mfa_required_for_action');
    expect(await h.store.getGraceStarts('acme', ['max'])).toEqual(
      new Map([['max', { startedAt: h.clock.now, forfeitedAt: null }]]),
    );
  });
});

describe('the check order', () => {
  it('authentication, membership and the access decision come before the step-up', async () => {
    const h = harness();
    await h.enroll('max');
    expectError(await payouts(h, {}), 'unauthenticated');
    expectError(await payouts(h, { as: 'olga' }), 'not_member');
    expectError(await payouts(h, { as: 'max', session: 'never-verified' }), 'challenge_required');
  });
});

describe('mfa.evaluate({ stepUp })', () => {
  const principal = (userId: string, sessionId = `${userId}-s1`): Principal => ({
    userId,
    sessionId,
    authMethod: 'password',
  });

  it('decides as the guard does, and denialError renders it as the guard answers', async () => {
    const h = harness();
    await h.enroll('max');
    const verifiedAt = await verifyWithCode(h, { as: 'max' });
    const input = { principal: principal('max'), accountId: 'acme', stepUp: WINDOW };
    expect(await h.mfa.evaluate(input)).toEqual({ allow: true, reason: 'verified' });
    at(h, verifiedAt, WINDOW + 1);
    const decision = await h.mfa.evaluate(input);
    expect(decision).toEqual({
      allow: false,
      reason: 'step_up_required',
      maxAgeSeconds: WINDOW,
      accepts: ['totp'],
    });
    // Without stepUp, as before.
    expect(await h.mfa.evaluate({ principal: principal('max'), accountId: 'acme' })).toEqual({
      allow: true,
      reason: 'verified',
    });
    const error = denialError(decision);
    const guard = await payouts(h, { as: 'max' });
    expect(error.status).toBe(guard.status);
    expect(error.toBody()).toEqual(guard.body);
    expect(
      denialError(
        await h.mfa.evaluate({ principal: principal('sam'), accountId: 'acme', stepUp: 60 }),
      ).toBody(),
    ).toEqual((await payouts(h, { as: 'sam' })).body);
  });

  it('a remembered device passed as deviceToken is no step-up', async () => {
    const h = harness();
    await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
    await h.enroll('max');
    const { token } = await rememberWithCode(h, 'max');
    const input = {
      principal: principal('max', 'max-other'),
      accountId: 'acme',
      deviceToken: token as string,
    };
    expect((await h.mfa.evaluate(input)).allow).toBe(true);
    expect(await h.mfa.evaluate({ ...input, stepUp: WINDOW })).toMatchObject({ reason: 'step_up_required' });
  });
});

describe('stepUp is checked at start-up', () => {
  const bad: unknown[] = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 86_401, '300', null, true];

  it.each(bad)('mfa.guard({ stepUp: %s }) throws MfaConfigError', (stepUp) => {
    const h = harness();
    expect(() => h.mfa.guard({ stepUp: stepUp as number })).toThrow(MfaConfigError);
    expect(() => h.mfa.guard({ stepUp: stepUp as number })).toThrow(/stepUp/);
  });

  it.each(bad)(
    'mfa.evaluate({ stepUp: %s }) rejects with MfaConfigError, signed in or not',
    async (stepUp) => {
      const h = harness();
      await expect(
        h.mfa.evaluate({ principal: null, accountId: 'acme', stepUp: stepUp as number }),
      ).rejects.toThrow(MfaConfigError);
      await expect(
        h.mfa.evaluate({
          principal: { userId: 'max', sessionId: 'max-s1', authMethod: 'password' },
          accountId: 'acme',
          stepUp: stepUp as number,
        }),
      ).rejects.toThrow(MfaConfigError);
    },
  );

  it('1 second and one day are accepted; absent means no step-up', async () => {
    const h = harness();
    expect(typeof h.mfa.guard({ stepUp: 1 })).toBe('function');
    expect(typeof h.mfa.guard({ stepUp: 86_400 })).toBe('function');
    expect(typeof h.mfa.guard({})).toBe('function');
    expect(await h.mfa.evaluate({ principal: null, accountId: 'acme', stepUp: 86_400 })).toEqual({
      allow: false,
      reason: 'unauthenticated',
    });
  });
});

describe('the error registry and the OpenAPI document', () => {
  it('the registry lists step_up_required (401) and mfa_required_for_action (403)', () => {
    expect(errorCodes.step_up_required.status).toBe(401);
    expect(errorCodes.mfa_required_for_action.status).toBe(403);
  });

  it("the document lists the codes and maxAgeSeconds, and the guard's answers validate against its Error schema", async () => {
    const h = harness();
    const doc = (await h.json('GET', '/mfa/openapi.json')).body;
    const error = doc.components.schemas.Error;
    expect(error.properties.error.properties.code.enum).toEqual(
      expect.arrayContaining(['step_up_required', 'mfa_required_for_action']),
    );
    expect(error.properties.error.properties.maxAgeSeconds).toMatchObject({ type: 'integer', minimum: 1 });
    expect(Object.keys(doc.components.responses)).toEqual(['StepUpRequired', 'MfaRequiredForAction']);

    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(error);
    await h.enroll('max');
    h.advance(WINDOW + 1);
    await setPolicy(h, 'acme', { mode: 'required_all' });
    const bodies = [(await payouts(h, { as: 'max' })).body, (await payouts(h, { as: 'sam' })).body];
    expect(bodies.map((b) => b.error.code)).toEqual(['step_up_required', 'mfa_required_for_action']);
    for (const body of [...bodies, ...Object.values<any>(doc.components.responses).map(exampleOf)]) {
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

const exampleOf = (response: { content: { 'application/json': { example: unknown } } }) =>
  response.content['application/json'].example;
