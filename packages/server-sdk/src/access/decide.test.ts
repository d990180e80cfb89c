import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHarness } from '../../test/support.ts';
import {
  type AccessDecision,
  type AccessReason,
  acceptedMethods,
  acceptsVerification,
  entryMethodOf,
  type FactorMethod,
  type Principal,
} from '../model.ts';
import { memoryStore } from '../store/memory.ts';
import type { MfaStore } from '../store/store.ts';
import { type AccessFacts, decideAccess } from './decide.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
const MAX_AGE = 12 * 3600;
const DAY = 86_400_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

/**
 * The facts of a case: `enrolled` is short for "has an app" (`methods: ['totp']`), a
 * `verifiedAt` without `verifiedWith` was verified with an app code, and a policy
 * without `allowedFactors` accepts any factor.
 */
type CaseFacts = Omit<Partial<AccessFacts>, 'policy'> & {
  enrolled?: boolean;
  policy?: Omit<AccessFacts['policy'], 'allowedFactors' | 'rememberDeviceDays'> &
    Partial<Pick<AccessFacts['policy'], 'allowedFactors' | 'rememberDeviceDays'>>;
};

/** A member with a password session in an account without SSO, under the default policy. */
function facts(overrides: CaseFacts = {}): AccessFacts {
  const { enrolled, policy, ...rest } = overrides;
  return {
    accountId: 'acme',
    principal: { authMethod: 'password' },
    membership: { role: 'member', accountName: 'Acme' },
    sso: null,
    methods: enrolled ? ['totp'] : [],
    verifiedAt: null,
    verifiedWith: overrides.verifiedAt ? 'totp' : null,
    graceStartedAt: null,
    now: NOW,
    sessionMaxAge: MAX_AGE,
    ...rest,
    policy: {
      mode: 'optional',
      gracePeriodDays: 7,
      enforceAfterSso: false,
      allowedFactors: 'any',
      rememberDeviceDays: 0,
      ...policy,
    },
  };
}

const ANY: FactorMethod[] = ['totp', 'webauthn'];
/** A device remembered `ageMs` before NOW (negative: in the past) that expires in 30 days. */
const device = (method: 'totp' | 'webauthn' | 'recovery', ageMs: number) => ({
  method,
  createdAt: at(ageMs),
  expiresAt: at(30 * DAY),
});

const admin = { role: 'admin', accountName: 'Acme' } as const;
const sso = { provider: 'Active Directory' };
const ssoSession = { authMethod: 'sso', ssoAccountId: 'acme' } as const;
const requiredAll = { mode: 'required_all', gracePeriodDays: 7, enforceAfterSso: false } as const;
const requiredAdmins = { mode: 'required_admins', gracePeriodDays: 7, enforceAfterSso: false } as const;
const enforcedAfterSso = { mode: 'required_all', gracePeriodDays: 7, enforceAfterSso: true } as const;
const optional = { mode: 'optional', gracePeriodDays: 7, enforceAfterSso: false } as const;

const notMember: AccessDecision = { allow: false, reason: 'not_member' };
const delegated: AccessDecision = { allow: true, reason: 'sso_delegated' };
const verified: AccessDecision = { allow: true, reason: 'verified' };
const challenge: AccessDecision = { allow: false, reason: 'challenge_required', accepts: ANY };
const notRequired: AccessDecision = { allow: true, reason: 'not_required' };
const grace = (deadline: Date, accepts = ANY): AccessDecision => ({
  allow: true,
  reason: 'grace_period',
  deadline,
  accepts,
});
const enroll = (deadline: Date, accepts = ANY): AccessDecision => ({
  allow: false,
  reason: 'enrollment_required',
  deadline,
  accepts,
});

const cases: [name: string, overrides: CaseFacts, expected: AccessDecision][] = [
  // 1. membership
  ['not a member', { membership: null }, notMember],
  [
    'not a member, even signed in through SSO to an SSO account',
    { membership: null, sso, principal: ssoSession },
    notMember,
  ],
  [
    'not a member, even enrolled and verified just now',
    { membership: null, enrolled: true, verifiedAt: NOW },
    notMember,
  ],
  ['not a member, under a requiring policy', { membership: null, policy: requiredAll }, notMember],

  // 2. SSO delegation
  ['SSO account + SSO session + enforceAfterSso off → delegated', { sso, principal: ssoSession }, delegated],
  [
    'SSO delegation under required_all, not enrolled, grace long over',
    { sso, principal: ssoSession, policy: requiredAll, graceStartedAt: at(-30 * DAY) },
    delegated,
  ],
  [
    'SSO delegation comes before the challenge of an enrolled, unverified user',
    { sso, principal: ssoSession, enrolled: true, policy: requiredAll },
    delegated,
  ],
  [
    'SSO account + password session → not delegated (challenged)',
    { sso, principal: { authMethod: 'password' }, enrolled: true },
    challenge,
  ],
  [
    'SSO account + password session, not enrolled under required_all → grace, not delegated',
    { sso, principal: { authMethod: 'password' }, policy: requiredAll },
    grace(at(7 * DAY)),
  ],
  [
    'SSO session on an account without SSO → not delegated',
    { sso: null, principal: ssoSession, enrolled: true },
    challenge,
  ],
  [
    'SSO session on an account without SSO under required_all → grace, not delegated',
    { sso: null, principal: ssoSession, policy: requiredAll },
    grace(at(7 * DAY)),
  ],
  [
    'ssoAccountId naming another account → not delegated',
    { sso, principal: { authMethod: 'sso', ssoAccountId: 'contoso' }, enrolled: true },
    challenge,
  ],
  [
    'an SSO sign-in that names no account → not delegated anywhere (fail closed)',
    { sso, principal: { authMethod: 'sso' }, enrolled: true },
    challenge,
  ],
  [
    'an SSO sign-in that names no account, not enrolled under required_all → grace, not delegated',
    { sso, principal: { authMethod: 'sso' }, policy: requiredAll },
    grace(at(7 * DAY)),
  ],
  [
    'ssoAccountId naming this account → delegated',
    { sso, principal: { authMethod: 'sso', ssoAccountId: 'acme' }, enrolled: true, policy: requiredAll },
    delegated,
  ],
  [
    'enforceAfterSso on, enrolled and unverified → challenged',
    { sso, principal: ssoSession, policy: enforcedAfterSso, enrolled: true },
    challenge,
  ],
  [
    'enforceAfterSso on, enrolled and verified → verified',
    { sso, principal: ssoSession, policy: enforcedAfterSso, enrolled: true, verifiedAt: at(-60_000) },
    verified,
  ],
  [
    'enforceAfterSso on, not enrolled → grace period',
    { sso, principal: ssoSession, policy: enforcedAfterSso },
    grace(at(7 * DAY)),
  ],
  [
    'enforceAfterSso on, not enrolled, grace over → enrollment required',
    { sso, principal: ssoSession, policy: enforcedAfterSso, graceStartedAt: at(-8 * DAY) },
    enroll(at(-DAY)),
  ],
  [
    'enforceAfterSso on under optional, not enrolled → not required',
    { sso, principal: ssoSession, policy: { ...optional, enforceAfterSso: true } },
    notRequired,
  ],

  // 3. an enrolled user's verification
  ['enrolled, verified just now', { enrolled: true, verifiedAt: NOW }, verified],
  ['enrolled, verified an hour ago', { enrolled: true, verifiedAt: at(-3_600_000) }, verified],
  [
    'enrolled, verified exactly sessionMaxAge ago → still verified',
    { enrolled: true, verifiedAt: at(-MAX_AGE * 1000) },
    verified,
  ],
  [
    'enrolled, verified sessionMaxAge + 1 ms ago → challenged',
    { enrolled: true, verifiedAt: at(-MAX_AGE * 1000 - 1) },
    challenge,
  ],
  [
    'enrolled, a short sessionMaxAge is honoured',
    { enrolled: true, verifiedAt: at(-61_000), sessionMaxAge: 60 },
    challenge,
  ],
  ['enrolled, never verified, optional → challenged', { enrolled: true, policy: optional }, challenge],
  [
    'enrolled, never verified, required_admins, member → challenged',
    { enrolled: true, policy: requiredAdmins },
    challenge,
  ],
  [
    'enrolled, never verified, required_admins, admin → challenged',
    { enrolled: true, policy: requiredAdmins, membership: admin },
    challenge,
  ],
  ['enrolled, never verified, required_all → challenged', { enrolled: true, policy: requiredAll }, challenge],
  [
    'enrolled, verifiedAt 1 ms in the future (clock skew) → not verified',
    { enrolled: true, verifiedAt: at(1) },
    challenge,
  ],
  [
    'enrolled, verifiedAt an hour in the future → not verified',
    { enrolled: true, verifiedAt: at(3_600_000), policy: requiredAll },
    challenge,
  ],
  [
    'enrolled and verified, grace long over → verified (grace is only for the unenrolled)',
    { enrolled: true, verifiedAt: NOW, policy: requiredAll, graceStartedAt: at(-100 * DAY) },
    verified,
  ],
  [
    'not enrolled but a verified session (factor removed) → no verification credit',
    { enrolled: false, verifiedAt: NOW, policy: requiredAll, graceStartedAt: at(-8 * DAY) },
    enroll(at(-DAY)),
  ],

  // 4. the policy's requirement and its grace period
  [
    'required_admins, admin, not enrolled → grace period',
    { policy: requiredAdmins, membership: admin },
    grace(at(7 * DAY)),
  ],
  ['required_admins, member, not enrolled → not required', { policy: requiredAdmins }, notRequired],
  [
    'required_admins, member, grace start on record → still not required',
    { policy: requiredAdmins, graceStartedAt: at(-30 * DAY) },
    notRequired,
  ],
  ['required_all, member, not enrolled → grace period', { policy: requiredAll }, grace(at(7 * DAY))],
  [
    'required_all, admin, not enrolled → grace period',
    { policy: requiredAll, membership: admin },
    grace(at(7 * DAY)),
  ],
  [
    'inside the grace period: deadline = start + days',
    { policy: requiredAll, graceStartedAt: at(-3 * DAY) },
    grace(at(4 * DAY)),
  ],
  [
    'one ms before the deadline → grace period',
    { policy: requiredAll, graceStartedAt: at(-7 * DAY + 1) },
    grace(at(1)),
  ],
  [
    'exactly at the deadline → enrollment required',
    { policy: requiredAll, graceStartedAt: at(-7 * DAY) },
    enroll(NOW),
  ],
  [
    'after the grace period → enrollment required with the deadline',
    { policy: requiredAll, graceStartedAt: at(-10 * DAY) },
    enroll(at(-3 * DAY)),
  ],
  [
    'required_admins, admin, after the grace period → enrollment required',
    { policy: requiredAdmins, membership: admin, graceStartedAt: at(-8 * DAY) },
    enroll(at(-DAY)),
  ],
  [
    'gracePeriodDays 0 → enrollment required at once',
    { policy: { ...requiredAll, gracePeriodDays: 0 } },
    enroll(NOW),
  ],
  [
    'gracePeriodDays 90 → a 90-day deadline',
    { policy: { ...requiredAll, gracePeriodDays: 90 }, graceStartedAt: at(-89 * DAY) },
    grace(at(DAY)),
  ],
  [
    'graceStartedAt null, evaluated a year after the policy changed → the full period from now',
    { policy: requiredAll, now: at(365 * DAY) },
    grace(at(372 * DAY)),
  ],
  [
    'a longer grace period set later extends a running one',
    { policy: { ...requiredAll, gracePeriodDays: 30 }, graceStartedAt: at(-10 * DAY) },
    grace(at(20 * DAY)),
  ],

  // A reset forfeits the grace period: its deadline is the reset's time, never an earlier, invented one.
  [
    'a reset forfeited a running grace period → enrollment_required since the reset',
    { policy: requiredAll, graceStartedAt: at(-3 * DAY), graceForfeitedAt: at(-DAY) },
    enroll(at(-DAY)),
  ],
  [
    'a reset made after the grace period had ended → the period’s own end stays the deadline',
    { policy: requiredAll, graceStartedAt: at(-10 * DAY), graceForfeitedAt: at(-DAY) },
    enroll(at(-3 * DAY)),
  ],
  [
    'a reset of a member never evaluated before → enrollment_required since the reset',
    { policy: requiredAll, graceStartedAt: at(-DAY), graceForfeitedAt: at(-DAY) },
    enroll(at(-DAY)),
  ],
  [
    'a longer grace period set after the reset gives no days back',
    { policy: { ...requiredAll, gracePeriodDays: 90 }, graceStartedAt: at(-DAY), graceForfeitedAt: at(-DAY) },
    enroll(at(-DAY)),
  ],
  [
    'a reset member who holds an app in a phishing-resistant account → enrollment_required, no challenge first',
    {
      enrolled: true,
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
      graceStartedAt: at(-DAY),
      graceForfeitedAt: at(-DAY),
    },
    enroll(at(-DAY), ['webauthn']),
  ],

  // Accepted methods: under phishing_resistant only WebAuthn counts; a recovery code verifies everywhere.
  [
    'phishing_resistant, an app only, required, in grace → grace_period accepting webauthn',
    { enrolled: true, verifiedAt: NOW, policy: { ...requiredAll, allowedFactors: 'phishing_resistant' } },
    grace(at(7 * DAY), ['webauthn']),
  ],
  [
    'phishing_resistant, an app only, grace over → enrollment_required accepting webauthn',
    {
      enrolled: true,
      verifiedAt: NOW,
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
      graceStartedAt: at(-8 * DAY),
    },
    enroll(at(-DAY), ['webauthn']),
  ],
  [
    'phishing_resistant, an app only, required, in grace, not verified → challenged for the app it holds',
    { enrolled: true, policy: { ...requiredAll, allowedFactors: 'phishing_resistant' } },
    { allow: false, reason: 'challenge_required', accepts: ['totp'], deadline: at(7 * DAY) },
  ],
  [
    'phishing_resistant, an app only, in grace, verified with a recovery code → grace_period',
    {
      enrolled: true,
      verifiedAt: NOW,
      verifiedWith: 'recovery',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
      graceStartedAt: at(-2 * DAY),
    },
    grace(at(5 * DAY), ['webauthn']),
  ],
  [
    'phishing_resistant, an app only, in grace, app code verified too long ago → challenged',
    {
      enrolled: true,
      verifiedAt: at(-MAX_AGE * 1000 - 1),
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
    },
    { allow: false, reason: 'challenge_required', accepts: ['totp'], deadline: at(7 * DAY) },
  ],
  [
    'phishing_resistant, an app only, in grace, a device remembered after an app code → grace_period',
    {
      enrolled: true,
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant', rememberDeviceDays: 30 },
      device: device('totp', -DAY),
    },
    grace(at(7 * DAY), ['webauthn']),
  ],
  [
    'phishing_resistant, an app only, grace over, not verified → enrollment_required (no challenge first)',
    {
      enrolled: true,
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
      graceStartedAt: at(-8 * DAY),
    },
    enroll(at(-DAY), ['webauthn']),
  ],
  [
    'phishing_resistant, an app only, optional, verified → not required (the app is no MFA there)',
    { enrolled: true, verifiedAt: NOW, policy: { ...optional, allowedFactors: 'phishing_resistant' } },
    notRequired,
  ],
  [
    'phishing_resistant, an app only, optional, not verified → challenged for the app, as under any',
    { enrolled: true, policy: { ...optional, allowedFactors: 'phishing_resistant' } },
    { allow: false, reason: 'challenge_required', accepts: ['totp'] },
  ],
  [
    'phishing_resistant, an app only, admins required, a member not verified → challenged for the app',
    { enrolled: true, policy: { ...requiredAdmins, allowedFactors: 'phishing_resistant' } },
    { allow: false, reason: 'challenge_required', accepts: ['totp'] },
  ],
  [
    'phishing_resistant, an app only, admins required, an admin not verified → challenged, with the deadline',
    {
      enrolled: true,
      membership: admin,
      policy: { ...requiredAdmins, allowedFactors: 'phishing_resistant' },
    },
    { allow: false, reason: 'challenge_required', accepts: ['totp'], deadline: at(7 * DAY) },
  ],
  [
    'phishing_resistant, a passkey, session verified with an app code → challenge_required accepting webauthn',
    {
      methods: ['totp', 'webauthn'],
      verifiedAt: NOW,
      verifiedWith: 'totp',
      policy: { ...optional, allowedFactors: 'phishing_resistant' },
    },
    { allow: false, reason: 'challenge_required', accepts: ['webauthn'] },
  ],
  [
    'phishing_resistant, a passkey, session verified with it → verified',
    {
      methods: ['webauthn'],
      verifiedAt: NOW,
      verifiedWith: 'webauthn',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
    },
    verified,
  ],
  [
    'phishing_resistant, a passkey, session verified with a recovery code → verified',
    {
      methods: ['webauthn'],
      verifiedAt: NOW,
      verifiedWith: 'recovery',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
    },
    verified,
  ],
  [
    'phishing_resistant, a passkey verified too long ago → challenge_required',
    {
      methods: ['webauthn'],
      verifiedAt: at(-MAX_AGE * 1000 - 1),
      verifiedWith: 'webauthn',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
    },
    { allow: false, reason: 'challenge_required', accepts: ['webauthn'] },
  ],
  [
    'phishing_resistant does not undo SSO delegation',
    { sso, principal: ssoSession, policy: { ...requiredAll, allowedFactors: 'phishing_resistant' } },
    delegated,
  ],
  [
    'any, a passkey only, verified with it → verified',
    { methods: ['webauthn'], verifiedAt: NOW, verifiedWith: 'webauthn', policy: requiredAll },
    verified,
  ],
  [
    'any, an app, verified with a recovery code → verified',
    { enrolled: true, verifiedAt: NOW, verifiedWith: 'recovery', policy: requiredAll },
    verified,
  ],
  [
    'a session verified at a time but with no method known → challenge_required',
    { enrolled: true, verifiedAt: NOW, verifiedWith: null },
    challenge,
  ],

  // Remembered devices: accepted while younger than the account's own days, not expired, and
  // remembered after a method the account accepts; a session they marked counts only with them.
  [
    'a device remembered after an app code, 1 day old, account allows 7 days → verified',
    { enrolled: true, policy: { ...requiredAll, rememberDeviceDays: 7 }, device: device('totp', -DAY) },
    verified,
  ],
  [
    'the same device, account allows 0 days → challenged',
    { enrolled: true, policy: requiredAll, device: device('totp', -DAY) },
    challenge,
  ],
  [
    'a device 7 days old, account allows 7 days → challenged (younger than, not as old as)',
    { enrolled: true, policy: { ...requiredAll, rememberDeviceDays: 7 }, device: device('totp', -7 * DAY) },
    challenge,
  ],
  [
    'a device 7 days less 1 ms old, account allows 7 days → verified',
    {
      enrolled: true,
      policy: { ...requiredAll, rememberDeviceDays: 7 },
      device: device('totp', -7 * DAY + 1),
    },
    verified,
  ],
  [
    'a device past its expiry, account allows 30 days → challenged',
    {
      enrolled: true,
      policy: { ...requiredAll, rememberDeviceDays: 30 },
      device: { ...device('totp', -2 * DAY), expiresAt: at(-1) },
    },
    challenge,
  ],
  [
    'a device made in the future (clock skew) → challenged',
    { enrolled: true, policy: { ...requiredAll, rememberDeviceDays: 30 }, device: device('totp', 1) },
    challenge,
  ],
  [
    'phishing_resistant: a device remembered after an app code → challenged',
    {
      methods: ['totp', 'webauthn'],
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant', rememberDeviceDays: 30 },
      device: device('totp', -DAY),
    },
    { allow: false, reason: 'challenge_required', accepts: ['webauthn'] },
  ],
  [
    'phishing_resistant: a device remembered after a passkey → verified',
    {
      methods: ['webauthn'],
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant', rememberDeviceDays: 30 },
      device: device('webauthn', -DAY),
    },
    verified,
  ],
  [
    'phishing_resistant: a device remembered after a recovery code → challenged',
    {
      methods: ['webauthn'],
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant', rememberDeviceDays: 30 },
      device: device('recovery', -DAY),
    },
    { allow: false, reason: 'challenge_required', accepts: ['webauthn'] },
  ],
  [
    'any: a device remembered after a recovery code → verified',
    { enrolled: true, policy: { ...requiredAll, rememberDeviceDays: 30 }, device: device('recovery', -DAY) },
    verified,
  ],
  [
    'a session marked by a device, fresh, but no device presented → challenged',
    {
      enrolled: true,
      verifiedAt: NOW,
      verifiedWith: 'remembered_device',
      policy: { ...requiredAll, rememberDeviceDays: 30 },
    },
    challenge,
  ],
  [
    'a session marked by a device, presented again in a phishing-resistant account → challenged',
    {
      methods: ['totp', 'webauthn'],
      verifiedAt: NOW,
      verifiedWith: 'remembered_device',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant', rememberDeviceDays: 30 },
      device: device('totp', -DAY),
    },
    { allow: false, reason: 'challenge_required', accepts: ['webauthn'] },
  ],
  [
    'a device of a user without a factor the account accepts → no verification credit',
    { policy: { ...requiredAll, rememberDeviceDays: 30 }, device: device('totp', -DAY) },
    grace(at(7 * DAY)),
  ],
  // 5. otherwise
  ['optional, member, not enrolled → not required', { policy: optional }, notRequired],
  ['optional, admin, not enrolled → not required', { policy: optional, membership: admin }, notRequired],
  [
    'optional, not enrolled, a verified session does not matter',
    { policy: optional, verifiedAt: at(-MAX_AGE * 2000) },
    notRequired,
  ],
];

describe('decideAccess', () => {
  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(decideAccess(facts(overrides))).toStrictEqual(expected);
  });

  it('does not read its clock from anywhere but `now`', () => {
    // A fact set evaluated "in the past" must not depend on the real time.
    const decision = decideAccess(
      facts({ now: new Date('2001-01-01T00:00:00Z'), policy: requiredAll, graceStartedAt: null }),
    );
    expect(decision).toStrictEqual(grace(new Date('2001-01-08T00:00:00Z')));
  });
});

// ── properties over random facts ────────────────────────────────────────────

const ALLOWING: ReadonlySet<AccessReason> = new Set([
  'sso_delegated',
  'verified',
  'grace_period',
  'not_required',
]);
const BASE = NOW.getTime();
const nearDate = fc.integer({ min: -200 * DAY, max: 200 * DAY }).map((ms) => new Date(BASE + ms));

const principalArb = fc
  .record({
    authMethod: fc.constantFrom('password' as const, 'sso' as const),
    ssoAccountId: fc.option(fc.constantFrom('acme', 'contoso'), { nil: undefined }),
  })
  .map(({ authMethod, ssoAccountId }): AccessFacts['principal'] =>
    ssoAccountId === undefined ? { authMethod } : { authMethod, ssoAccountId },
  );

const factsArb: fc.Arbitrary<AccessFacts> = fc.record({
  accountId: fc.constantFrom('acme', 'contoso'),
  principal: principalArb,
  membership: fc.option(
    fc.record({
      role: fc.constantFrom('admin' as const, 'member' as const),
      accountName: fc.constant('Acme'),
    }),
    { nil: null },
  ),
  sso: fc.option(fc.constant(sso), { nil: null }),
  policy: fc.record({
    mode: fc.constantFrom('optional' as const, 'required_admins' as const, 'required_all' as const),
    gracePeriodDays: fc.integer({ min: 0, max: 90 }),
    enforceAfterSso: fc.boolean(),
    allowedFactors: fc.constantFrom('any' as const, 'phishing_resistant' as const),
    rememberDeviceDays: fc.integer({ min: 0, max: 30 }),
  }),
  methods: fc.subarray<FactorMethod>(['totp', 'webauthn']),
  verifiedAt: fc.option(nearDate, { nil: null }),
  verifiedWith: fc.constantFrom(
    'totp' as const,
    'webauthn' as const,
    'recovery' as const,
    'remembered_device' as const,
    null,
  ),
  device: fc.option(
    fc.record({
      method: fc.constantFrom('totp' as const, 'webauthn' as const, 'recovery' as const),
      createdAt: fc.integer({ min: -40 * DAY, max: DAY }).map((ms) => new Date(BASE + ms)),
      expiresAt: fc.integer({ min: -DAY, max: 40 * DAY }).map((ms) => new Date(BASE + ms)),
    }),
    { nil: null },
  ),
  graceStartedAt: fc.option(nearDate, { nil: null }),
  now: nearDate,
  sessionMaxAge: fc.integer({ min: 60, max: 366 * 86_400 }),
});

/** Whether the user has a factor the account accepts, restated from the design. */
function hasAccepted(f: AccessFacts): boolean {
  return f.methods.includes('webauthn') || (f.policy.allowedFactors === 'any' && f.methods.includes('totp'));
}

/**
 * Whether the account accepts the presented device, restated from the design: younger than
 * the account's days, not expired, remembered after a method the account accepts (a
 * recovery code's device only where app codes count too).
 */
function deviceAccepted(f: AccessFacts): boolean {
  const d = f.device;
  if (!d) return false;
  const age = f.now.getTime() - d.createdAt.getTime();
  const methodOk =
    d.method === 'webauthn' || (f.policy.allowedFactors === 'any' && ['totp', 'recovery'].includes(d.method));
  return age >= 0 && age < f.policy.rememberDeviceDays * DAY && d.expiresAt > f.now && methodOk;
}

/** The design's step 2, restated independently of the code under test. */
function delegatedBySso(f: AccessFacts): boolean {
  return (
    f.sso !== null &&
    f.principal.authMethod === 'sso' &&
    !f.policy.enforceAfterSso &&
    f.principal.ssoAccountId === f.accountId
  );
}

describe('decideAccess properties', () => {
  it('a non-member is never allowed and always gets not_member', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const decision = decideAccess({ ...f, membership: null });
        expect(decision).toStrictEqual(notMember);
      }),
    );
  });

  it('allow is true exactly for sso_delegated, verified, grace_period and not_required', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const decision = decideAccess(f);
        expect(decision.allow).toBe(ALLOWING.has(decision.reason));
        expect(decision.reason).not.toBe('unavailable');
        if (f.membership === null) expect(decision.allow).toBe(false);
      }),
    );
  });

  it('a member not delegated by SSO with an accepted factor is verified or challenged, as the session says', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const accepts = acceptedMethods(f.policy.allowedFactors);
        fc.pre(f.membership !== null && hasAccepted(f) && !delegatedBySso(f));
        const decision = decideAccess(f);
        expect(['verified', 'challenge_required']).toContain(decision.reason);
        const age = f.verifiedAt ? f.now.getTime() - f.verifiedAt.getTime() : -1;
        const entry = f.verifiedWith === null ? null : entryMethodOf(f.verifiedWith);
        const accepted = entry !== null && acceptsVerification(f.policy.allowedFactors, entry);
        expect(decision.reason === 'verified').toBe(
          (accepted && age >= 0 && age <= f.sessionMaxAge * 1000) || deviceAccepted(f),
        );
        if (decision.reason === 'challenge_required') expect(decision.accepts).toEqual(accepts);
      }),
    );
  });

  it('under phishing_resistant, an app code never verifies and an app alone is no MFA', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const strict = { ...f, policy: { ...f.policy, allowedFactors: 'phishing_resistant' as const } };
        const decision = decideAccess({ ...strict, verifiedWith: 'totp', device: null });
        expect(decision.reason).not.toBe('verified');
        // Nor does a device remembered after one, however many days the account allows.
        const device = f.device ? { ...f.device, method: 'totp' as const } : null;
        const withDevice = decideAccess({ ...strict, verifiedAt: null, verifiedWith: null, device });
        expect(withDevice.reason).not.toBe('verified');
        // An app alone is no MFA there: never verified, and challenged only for the app it holds.
        const appOnly = decideAccess({ ...strict, methods: ['totp'] });
        expect(appOnly.reason).not.toBe('verified');
        if (appOnly.reason === 'challenge_required') expect(appOnly.accepts).toEqual(['totp']);
        else if (appOnly.accepts) expect(appOnly.accepts).toEqual(['webauthn']);
      }),
    );
  });

  it('a session marked by a remembered device opens nothing without a device the account accepts', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        fc.pre(!deviceAccepted(f));
        const decision = decideAccess({ ...f, verifiedWith: 'remembered_device' });
        if (!delegatedBySso(f)) expect(decision.reason).not.toBe('verified');
      }),
    );
  });

  it('an account whose rememberDeviceDays is 0 accepts no device', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const none = { ...f, policy: { ...f.policy, rememberDeviceDays: 0 }, verifiedWith: null };
        expect(decideAccess(none)).toStrictEqual(decideAccess({ ...none, device: null }));
      }),
    );
  });

  it('a member delegated by SSO is always let in', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        fc.pre(f.membership !== null && delegatedBySso(f));
        expect(decideAccess(f)).toStrictEqual(delegated);
      }),
    );
  });

  it('a deadline comes exactly with grace_period (in the future) and enrollment_required (not)', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const decision = decideAccess(f);
        const graceReasons: AccessReason[] = ['grace_period', 'enrollment_required'];
        // And with the challenge of a user who holds only factors the account does not accept,
        // under a policy that requires MFA of them (they learn by when to add one).
        const heldOnly = decision.reason === 'challenge_required' && !hasAccepted(f);
        const requires =
          f.policy.mode === 'required_all' ||
          (f.policy.mode === 'required_admins' && f.membership?.role === 'admin');
        expect(decision.deadline !== undefined).toBe(
          graceReasons.includes(decision.reason) || (heldOnly && requires),
        );
        if (decision.reason === 'grace_period')
          expect(decision.deadline!.getTime()).toBeGreaterThan(f.now.getTime());
        if (decision.reason === 'enrollment_required')
          expect(decision.deadline!.getTime()).toBeLessThanOrEqual(f.now.getTime());
        if (decision.deadline) {
          const start = (f.graceStartedAt ?? f.now).getTime();
          expect(decision.deadline.getTime()).toBe(start + f.policy.gracePeriodDays * DAY);
        }
      }),
    );
  });

  it('an unenrolled, undelegated member is held to the policy only when it applies to their role', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        fc.pre(f.membership !== null && !hasAccepted(f) && !delegatedBySso(f));
        const applies =
          f.policy.mode === 'required_all' ||
          (f.policy.mode === 'required_admins' && f.membership?.role === 'admin');
        const reason = decideAccess(f).reason;
        const start = (f.graceStartedAt ?? f.now).getTime();
        const over = applies && f.now.getTime() >= start + f.policy.gracePeriodDays * DAY;
        // A factor held but not accepted here is still asked for (verified with anything, or
        // a device an account accepting every factor would take), except past the deadline.
        const age = f.verifiedAt ? f.now.getTime() - f.verifiedAt.getTime() : -1;
        const entry = f.verifiedWith === null ? null : entryMethodOf(f.verifiedWith);
        const heldVerified =
          (entry !== null && age >= 0 && age <= f.sessionMaxAge * 1000) ||
          deviceAccepted({ ...f, policy: { ...f.policy, allowedFactors: 'any' } });
        if (over) expect(reason).toBe('enrollment_required');
        else if (f.methods.length > 0 && !heldVerified) expect(reason).toBe('challenge_required');
        else expect(reason).toBe(applies ? 'grace_period' : 'not_required');
      }),
    );
  });

  it('tightening a policy never weakens sign-in (stricter methods, a requiring mode)', () => {
    const strictness = { optional: 0, required_admins: 1, required_all: 2 } as const;
    fc.assert(
      fc.property(factsArb, factsArb, (f, other) => {
        const tighter: AccessFacts = {
          ...f,
          policy: {
            ...f.policy,
            allowedFactors:
              f.policy.allowedFactors === 'phishing_resistant'
                ? 'phishing_resistant'
                : other.policy.allowedFactors,
            mode:
              strictness[other.policy.mode] >= strictness[f.policy.mode] ? other.policy.mode : f.policy.mode,
            // Fewer days to remember a device and no more days of grace.
            rememberDeviceDays: Math.min(f.policy.rememberDeviceDays, other.policy.rememberDeviceDays),
            gracePeriodDays: Math.min(f.policy.gracePeriodDays, other.policy.gracePeriodDays),
          },
        };
        if (!decideAccess(f).allow) expect(decideAccess(tighter).allow).toBe(false);
      }),
    );
  });
});

// ── the service fails closed ────────────────────────────────────────────────

const principal: Principal = { userId: 'max', sessionId: 'max-s1', authMethod: 'password' };

/** A memory store whose every method fails the way `fail` says. */
function failingStore(fail: () => unknown): MfaStore {
  return new Proxy(memoryStore(), {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? () => fail() : value;
    },
  });
}

describe('the access decision when the store or a hook fails', () => {
  const failures: [name: string, overrides: () => Parameters<typeof createHarness>[0]][] = [
    [
      'a store whose methods throw',
      () => ({
        store: failingStore(() => {
          throw new Error('store down');
        }),
      }),
    ],
    [
      'a store whose methods reject',
      () => ({ store: failingStore(() => Promise.reject(new Error('store down'))) }),
    ],
    [
      'a getMembership hook that throws',
      () => ({
        getMembership: () => {
          throw new Error('directory down');
        },
      }),
    ],
    [
      'a getMembership hook that rejects',
      () => ({ getMembership: () => Promise.reject(new Error('directory down')) }),
    ],
    [
      'a getSso hook that throws',
      () => ({
        getSso: () => {
          throw new Error('directory down');
        },
      }),
    ],
  ];

  describe.each(failures)('%s', (_name, overrides) => {
    it('evaluate resolves to unavailable, deny', async () => {
      const h = createHarness(overrides());
      await expect(h.mfa.evaluate({ principal, accountId: 'acme' })).resolves.toStrictEqual({
        allow: false,
        reason: 'unavailable',
      });
    });

    it('the guard answers 503 unavailable and does not reach the route', async () => {
      const h = createHarness(overrides());
      const res = await h.json('GET', '/accounts/acme/area', { as: 'max' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(res.body.ok).toBeUndefined();
    });
  });

  it('an authenticate hook that throws makes the guard answer 503 unavailable', async () => {
    const h = createHarness({
      authenticate: () => {
        throw new Error('sessions down');
      },
    });
    const res = await h.json('GET', '/accounts/acme/area', { as: 'max' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
  });

  it('a store that hangs is answered 503 within timeoutMs', async () => {
    const h = createHarness({ store: failingStore(() => new Promise(() => {})), timeoutMs: 200 });
    const started = performance.now();
    await expect(h.mfa.evaluate({ principal, accountId: 'acme' })).resolves.toStrictEqual({
      allow: false,
      reason: 'unavailable',
    });
    const res = await h.json('GET', '/accounts/acme/area', { as: 'max' });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    // Two calls, each answered after ~200 ms; with the 5 s default one call alone would take longer.
    expect(elapsed).toBeGreaterThanOrEqual(2 * 190);
    expect(elapsed).toBeLessThan(4_000);
  });

  it('a hook that hangs is answered 503 within timeoutMs', async () => {
    const h = createHarness({ getMembership: () => new Promise(() => {}), timeoutMs: 200 });
    const started = performance.now();
    const res = await h.json('GET', '/accounts/acme/area', { as: 'max' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('with a working store and hooks the same member is let in (the failure is what denies)', async () => {
    const h = createHarness();
    await expect(h.mfa.evaluate({ principal, accountId: 'acme' })).resolves.toStrictEqual(notRequired);
    const res = await h.json('GET', '/accounts/acme/area', { as: 'max' });
    expect(res.status).toBe(200);
  });
});

// ── a host route's step-up ──────────────────────────────────────────────────

const STEP_UP = 300;
const S = 1000;
const stepUpRequired = (accepts: FactorMethod[] = ['totp'], maxAgeSeconds = STEP_UP): AccessDecision => ({
  allow: false,
  reason: 'step_up_required',
  maxAgeSeconds,
  accepts,
});
const actionNeedsMfa = (accepts = ANY, deadline?: Date): AccessDecision => ({
  allow: false,
  reason: 'mfa_required_for_action',
  accepts,
  ...(deadline ? { deadline } : {}),
});

const stepUpCases: [name: string, overrides: CaseFacts, expected: AccessDecision][] = [
  [
    'an app code exactly stepUp seconds ago → verified',
    { enrolled: true, verifiedAt: at(-STEP_UP * S) },
    verified,
  ],
  [
    'an app code one second more than stepUp ago → step_up_required',
    { enrolled: true, verifiedAt: at(-(STEP_UP + 1) * S) },
    stepUpRequired(),
  ],
  [
    'a verification dated after now (another clock) does not enter, so no step-up either',
    { enrolled: true, verifiedAt: at(S) },
    challenge,
  ],
  [
    'accepts lists the factors the user has that the account accepts',
    { methods: ['webauthn'], verifiedAt: at(-3600 * S), verifiedWith: 'webauthn' },
    stepUpRequired(['webauthn']),
  ],
  [
    'phishing_resistant: a passkey a minute ago → verified',
    {
      methods: ['totp', 'webauthn'],
      verifiedAt: at(-60 * S),
      verifiedWith: 'webauthn',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
    },
    verified,
  ],
  [
    'phishing_resistant: a passkey an hour ago → step_up_required for a passkey only, not the app',
    {
      methods: ['totp', 'webauthn'],
      verifiedAt: at(-3600 * S),
      verifiedWith: 'webauthn',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
    },
    stepUpRequired(['webauthn']),
  ],
  [
    'phishing_resistant: an app code a minute ago does not enter, so no step-up either',
    {
      methods: ['totp', 'webauthn'],
      verifiedAt: at(-60 * S),
      verifiedWith: 'totp',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
    },
    { allow: false, reason: 'challenge_required', accepts: ['webauthn'] },
  ],
  [
    'a recovery code a minute ago → verified',
    { enrolled: true, verifiedAt: at(-60 * S), verifiedWith: 'recovery' },
    verified,
  ],
  [
    'phishing_resistant: a recovery code a minute ago lets the user in, but is no step-up (it is phishable)',
    {
      methods: ['webauthn'],
      verifiedAt: at(-60 * S),
      verifiedWith: 'recovery',
      policy: { ...requiredAll, allowedFactors: 'phishing_resistant' },
    },
    stepUpRequired(['webauthn']),
  ],
  [
    'a new passkey registered a minute ago lets the user in, but is no step-up',
    { methods: ['webauthn'], verifiedAt: at(-60 * S), verifiedWith: 'webauthn_registration' },
    stepUpRequired(['webauthn']),
  ],
  [
    'a new app confirmed a minute ago is no step-up either',
    { enrolled: true, verifiedAt: at(-60 * S), verifiedWith: 'totp_setup' },
    stepUpRequired(),
  ],
  [
    'a recovery code an hour ago → step_up_required',
    { enrolled: true, verifiedAt: at(-3600 * S), verifiedWith: 'recovery' },
    stepUpRequired(),
  ],
  [
    'a remembered device the account accepts, no verification of the session → step_up_required',
    { enrolled: true, policy: { ...requiredAll, rememberDeviceDays: 30 }, device: device('totp', -DAY) },
    stepUpRequired(),
  ],
  [
    'a session marked by a device just now, with the device → step_up_required',
    {
      enrolled: true,
      verifiedAt: NOW,
      verifiedWith: 'remembered_device',
      policy: { ...requiredAll, rememberDeviceDays: 30 },
      device: device('webauthn', -DAY),
    },
    stepUpRequired(),
  ],
  [
    'SSO-delegated with an app, not verified → step_up_required',
    { sso, principal: ssoSession, enrolled: true },
    stepUpRequired(),
  ],
  [
    'SSO-delegated with an app verified a minute ago → allowed as delegated',
    { sso, principal: ssoSession, enrolled: true, verifiedAt: at(-60 * S) },
    delegated,
  ],
  [
    'SSO-delegated without MFA, even under required_all → mfa_required_for_action',
    { sso, principal: ssoSession, policy: requiredAll, graceStartedAt: at(-30 * DAY) },
    actionNeedsMfa(),
  ],
  [
    'inside the grace period, no factor → mfa_required_for_action with the deadline',
    { policy: requiredAll, graceStartedAt: at(-DAY) },
    actionNeedsMfa(ANY, at(6 * DAY)),
  ],
  [
    'past the grace period, no factor → enrollment_required, as entering says',
    { policy: requiredAll, graceStartedAt: at(-8 * DAY) },
    enroll(at(-DAY)),
  ],
  ['optional, no factor → mfa_required_for_action', { policy: optional }, actionNeedsMfa()],
  [
    'phishing_resistant, optional, an app only → mfa_required_for_action for a passkey',
    {
      methods: ['totp'],
      verifiedAt: at(-60 * S),
      policy: { ...optional, allowedFactors: 'phishing_resistant' },
    },
    actionNeedsMfa(['webauthn']),
  ],
  [
    'an unverified member with a factor → challenge_required, as entering says',
    { enrolled: true, verifiedAt: null },
    challenge,
  ],
  ['not a member → not_member', { membership: null, enrolled: true, verifiedAt: NOW }, notMember],
  [
    'a stepUp longer than sessionMaxAge counts only sessionMaxAge',
    {
      enrolled: true,
      verifiedAt: at(-700 * S),
      sessionMaxAge: 600,
      stepUp: 86_400,
      policy: { ...requiredAll, rememberDeviceDays: 30 },
      device: device('totp', -DAY),
    },
    stepUpRequired(['totp'], 600),
  ],
];

describe('decideAccess with a step-up', () => {
  it.each(stepUpCases)('%s', (_name, overrides, expected) => {
    expect(decideAccess(facts({ stepUp: STEP_UP, ...overrides }))).toStrictEqual(expected);
  });
});

describe('decideAccess with a step-up: properties', () => {
  const withStepUp = fc.tuple(factsArb, fc.integer({ min: 1, max: 86_400 }));

  it('never allows what entering alone denies, and leaves its denials as they are', () => {
    fc.assert(
      fc.property(withStepUp, ([f, stepUp]) => {
        const entry = decideAccess(f);
        const stepped = decideAccess({ ...f, stepUp });
        if (!entry.allow) expect(stepped).toStrictEqual(entry);
        if (stepped.allow) expect(stepped).toStrictEqual(entry);
      }),
    );
  });

  it('allows only a session that itself verified, with a method the account accepts, within the window', () => {
    fc.assert(
      fc.property(withStepUp, ([f, stepUp]) => {
        if (!decideAccess({ ...f, stepUp }).allow) return;
        const window = Math.min(stepUp, f.sessionMaxAge) * 1000;
        const age = f.now.getTime() - (f.verifiedAt?.getTime() ?? Number.NaN);
        expect(hasAccepted(f)).toBe(true);
        expect(age >= 0 && age <= window).toBe(true);
        const method = f.verifiedWith;
        expect(
          method === 'recovery' ||
            method === 'webauthn' ||
            (method === 'totp' && f.policy.allowedFactors === 'any'),
        ).toBe(true);
      }),
    );
  });

  it('a step-up refusal names the window and the factors the user can answer it with', () => {
    fc.assert(
      fc.property(withStepUp, ([f, stepUp]) => {
        const decision = decideAccess({ ...f, stepUp });
        if (decision.reason === 'step_up_required') {
          expect(decision.maxAgeSeconds).toBe(Math.min(stepUp, f.sessionMaxAge));
          expect(decision.accepts?.length).toBeGreaterThan(0);
          for (const m of decision.accepts ?? []) expect(f.methods).toContain(m);
          expect(hasAccepted(f)).toBe(true);
        }
        if (decision.reason === 'mfa_required_for_action') expect(hasAccepted(f)).toBe(false);
      }),
    );
  });
});

describe('decideAccess with a start date (enforceFrom)', () => {
  const announced = (enforceFrom: Date, gracePeriodDays = 7) =>
    ({ mode: 'required_all', gracePeriodDays, enforceAfterSso: false, enforceFrom }) as const;

  it('the day before: requires nothing yet, and says from when and by when', () => {
    expect(decideAccess(facts({ policy: announced(at(DAY)) }))).toEqual({
      allow: true,
      reason: 'not_required',
      enforceFrom: at(DAY),
      deadline: at(8 * DAY),
    });
    // A member seen weeks before has their grace counted from the start date all the same.
    expect(decideAccess(facts({ policy: announced(at(DAY)), graceStartedAt: at(-30 * DAY) }))).toEqual({
      allow: true,
      reason: 'not_required',
      enforceFrom: at(DAY),
      deadline: at(8 * DAY),
    });
  });

  it('the day before: a member with a factor is challenged as ever', () => {
    expect(decideAccess(facts({ policy: announced(at(DAY)), enrolled: true }))).toEqual(challenge);
    expect(
      decideAccess(facts({ policy: announced(at(DAY)), enrolled: true, verifiedAt: at(-60_000) })),
    ).toEqual(verified);
  });

  it('the day of: the grace period of a member seen before runs from the start date', () => {
    expect(decideAccess(facts({ policy: announced(NOW), graceStartedAt: at(-3 * DAY) }))).toEqual(
      grace(at(7 * DAY)),
    );
    expect(decideAccess(facts({ policy: announced(at(-DAY)), graceStartedAt: at(-3 * DAY) }))).toEqual(
      grace(at(6 * DAY)),
    );
    // Without a grace period, the start date is the deadline.
    expect(decideAccess(facts({ policy: announced(at(-1), 0), graceStartedAt: at(-3 * DAY) }))).toEqual(
      enroll(at(-1)),
    );
  });

  it('a late joiner: the grace period runs from their first access after the start date', () => {
    expect(decideAccess(facts({ policy: announced(at(-10 * DAY)), graceStartedAt: at(-DAY) }))).toEqual(
      grace(at(6 * DAY)),
    );
    // First evaluated now (the grace period begins now).
    expect(decideAccess(facts({ policy: announced(at(-10 * DAY)) }))).toEqual(grace(at(7 * DAY)));
  });

  it('a reset before the start date forfeits nothing of it; one after it does', () => {
    const before = facts({
      policy: announced(at(-DAY)),
      graceStartedAt: at(-20 * DAY),
      graceForfeitedAt: at(-5 * DAY),
    });
    expect(decideAccess(before)).toEqual(grace(at(6 * DAY)));
    const after = facts({
      policy: announced(at(-DAY)),
      graceStartedAt: at(-20 * DAY),
      graceForfeitedAt: at(-1000),
    });
    expect(decideAccess(after)).toEqual(enroll(at(-1000)));
  });

  it('an optional policy or one that does not require it of the role has no start date to tell', () => {
    expect(decideAccess(facts({ policy: { ...announced(at(DAY)), mode: 'required_admins' } }))).toEqual(
      notRequired,
    );
  });

  it('before its start date, no member is ever denied for want of a factor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 365 * DAY }),
        fc.option(fc.integer({ min: -400 * DAY, max: 0 }), { nil: null }),
        fc.integer({ min: 0, max: 90 }),
        fc.constantFrom('admin', 'member'),
        (ahead, seen, days, role) => {
          const decision = decideAccess(
            facts({
              policy: announced(at(ahead), days),
              membership: { role, accountName: 'Acme' },
              graceStartedAt: seen === null ? null : at(seen),
            }),
          );
          expect(decision).toEqual({
            allow: true,
            reason: 'not_required',
            enforceFrom: at(ahead),
            deadline: at(ahead + days * DAY),
          });
        },
      ),
    );
  });
});
