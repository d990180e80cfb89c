import { isVerified } from '../core/user-state.ts';
import {
  type AccessDecision,
  acceptedMethods,
  acceptsRememberedDevice,
  acceptsStepUp,
  acceptsVerification,
  entryMethodOf,
  type FactorMethod,
  hasAccepted,
  type Membership,
  type PolicyRecord,
  type Principal,
  policyRequires,
  type RememberedDeviceRecord,
  type SessionMethod,
  type SsoIntegration,
} from '../model.ts';
import { isPending, memberDeadline } from '../policy/enforcement.ts';

/** A remembered device presented with the request: the principal's user's own, not forgotten. */
export type PresentedDevice = Pick<RememberedDeviceRecord, 'method' | 'createdAt' | 'expiresAt'>;

const DAY_MS = 86_400_000;

/** Everything the access decision depends on, gathered by the caller. */
export interface AccessFacts {
  accountId: string;
  principal: Pick<Principal, 'authMethod' | 'ssoAccountId'>;
  membership: Membership | null;
  sso: SsoIntegration | null;
  policy: Pick<
    PolicyRecord,
    'mode' | 'gracePeriodDays' | 'enforceAfterSso' | 'allowedFactors' | 'rememberDeviceDays'
  > &
    Partial<Pick<PolicyRecord, 'enforceFrom'>>;
  /** The factors the user has (an app, WebAuthn credentials). */
  methods: readonly FactorMethod[];
  /** When this session last verified a factor, if it did. */
  verifiedAt: Date | null;
  /** What it verified with (`null`: not verified). */
  verifiedWith: SessionMethod | null;
  /**
   * The remembered device presented with the request, when the session alone is not
   * verified for this account (absent or `null`: none, or one that is unknown, forgotten
   * or another user's).
   */
  device?: PresentedDevice | null;
  /** When the user's grace period for this account began (`null`: not yet, it begins now). */
  graceStartedAt: Date | null;
  /** When an administrator's reset forfeited that grace period (absent or `null`: none did). */
  graceForfeitedAt?: Date | null | undefined;
  now: Date;
  /** Seconds a verification lasts. */
  sessionMaxAge: number;
  /**
   * A host route's step-up (`mfa.guard({ stepUp })`): the session must also have verified
   * with a factor the account accepts within this many seconds (absent: no step-up).
   */
  stepUp?: number | undefined;
}

/**
 * Whether the SSO sign-in of this session counts for this account: only a sign-in
 * through this account's own identity provider, as `ssoAccountId` names it. An SSO
 * sign-in that names no account is delegated nowhere (fail closed): one account's
 * directory does not vouch for another's members.
 */
export function isSsoDelegated(
  facts: Pick<AccessFacts, 'accountId' | 'principal' | 'sso' | 'policy'>,
): boolean {
  const { principal, sso, policy, accountId } = facts;
  if (!sso || principal.authMethod !== 'sso' || policy.enforceAfterSso) return false;
  return principal.ssoAccountId === accountId;
}

/**
 * Whether this account accepts the presented device now: it is younger than the account's
 * own `rememberDeviceDays` (so lowering it counts at once, and 0 accepts none), not
 * expired, and was remembered after a verification the account accepts
 * (`acceptsRememberedDevice`: a device remembered after an app code does not open a
 * phishing-resistant account).
 */
export function isDeviceAccepted(
  policy: Pick<PolicyRecord, 'allowedFactors' | 'rememberDeviceDays'>,
  device: PresentedDevice | null | undefined,
  now: Date,
): boolean {
  if (!device || !(policy.rememberDeviceDays > 0)) return false;
  const age = now.getTime() - device.createdAt.getTime();
  if (age < 0 || age >= policy.rememberDeviceDays * DAY_MS) return false;
  if (device.expiresAt.getTime() <= now.getTime()) return false;
  return acceptsRememberedDevice(policy.allowedFactors, device.method);
}

/**
 * The access decision: may this principal enter this account now?
 * A pure function of its facts, applied in the order of the design:
 * membership → SSO delegation → the verification of a user with a factor the
 * account accepts → the policy's requirement and its grace period → not required.
 *
 * Under `phishing_resistant` an app is not a factor the account accepts: a user with
 * only an app counts as without MFA there, and a session verified with an app code
 * is challenged again. A session verified with a recovery code counts as verified
 * under every policy (the way back in when a device is lost; each use is audited).
 *
 * A requiring policy announced ahead (`enforceFrom`) requires nothing before that time:
 * `not_required`, with `enforceFrom` in the answer; from it on, the grace period of a member
 * seen before it counts from it (`memberDeadline`, policy/enforcement.ts).
 *
 * A remembered device the account accepts (`isDeviceAccepted`) verifies like a fresh
 * verification. A session marked verified with `remembered_device` counts for nothing by
 * itself: only while a device this account accepts is presented with it. So a session that
 * a device let into one account does not pass in an account whose rules the device does not
 * meet (a phishing-resistant one after an app code, a shorter `rememberDeviceDays`), nor
 * anywhere once the device is forgotten, expired or its cookie gone.
 *
 * With `stepUp` (a host route's step-up), a principal let in must also have verified within
 * that many seconds (`decideStepUp`): a denial to enter comes first, as the check order has it.
 *
 * @example
 * decideAccess({ ...facts, membership: null }) // { allow: false, reason: 'not_member' }
 */
export function decideAccess(facts: AccessFacts): AccessDecision {
  const decision = decideEntry(facts);
  return facts.stepUp === undefined || !decision.allow
    ? decision
    : decideStepUp(facts, facts.stepUp, decision);
}

/** The decision to enter the account, before any step-up. */
function decideEntry(facts: AccessFacts): AccessDecision {
  if (!facts.membership) return { allow: false, reason: 'not_member' };
  if (isSsoDelegated(facts)) return { allow: true, reason: 'sso_delegated' };
  const { allowedFactors } = facts.policy;
  const accepts = acceptedMethods(allowedFactors);
  if (hasAccepted(facts.methods, accepts)) {
    const verifiedWith = facts.verifiedWith === null ? null : entryMethodOf(facts.verifiedWith);
    const verified =
      (verifiedWith !== null &&
        acceptsVerification(allowedFactors, verifiedWith) &&
        isVerified(facts.verifiedAt, facts.now, facts.sessionMaxAge)) ||
      isDeviceAccepted(facts.policy, facts.device, facts.now);
    return verified
      ? { allow: true, reason: 'verified' }
      : { allow: false, reason: 'challenge_required', accepts };
  }
  const requires = policyRequires(facts.policy.mode, facts.membership.role);
  // Announced ahead (`enforceFrom`): nothing is required yet, and the answer says from when.
  const pending = requires && isPending(facts.policy, facts.now);
  const deadline =
    requires && !pending
      ? memberDeadline(facts.policy, {
          startedAt: facts.graceStartedAt ?? facts.now,
          forfeitedAt: facts.graceForfeitedAt ?? null,
        })
      : undefined;
  if (deadline !== undefined && facts.now >= deadline) {
    return { allow: false, reason: 'enrollment_required', deadline, accepts };
  }
  // Tightening a policy never weakens sign-in: a user who holds only factors this account
  // does not accept (an app, where only passkeys count) still verifies with one of them
  // before the grace period or the policy's leniency lets them in.
  // The deadline comes with it, so the user learns by when they must add an accepted one.
  if (facts.methods.length > 0 && !isVerifiedWithHeldFactor(facts)) {
    return {
      allow: false,
      reason: 'challenge_required',
      accepts: [...facts.methods],
      ...(deadline === undefined ? {} : { deadline }),
    };
  }
  if (deadline !== undefined) return { allow: true, reason: 'grace_period', deadline, accepts };
  if (!pending || !facts.policy.enforceFrom) return { allow: true, reason: 'not_required' };
  // The deadline this member will have: their grace period, counted from the start date.
  const start = { startedAt: facts.graceStartedAt ?? facts.now, forfeitedAt: facts.graceForfeitedAt ?? null };
  return {
    allow: true,
    reason: 'not_required',
    enforceFrom: facts.policy.enforceFrom,
    deadline: memberDeadline(facts.policy, start),
  };
}

/**
 * For a user whose factors this account does not accept: whether this session verified
 * with any factor of theirs (or a recovery code) within `sessionMaxAge`, or presents a
 * device remembered after one, as an account that accepts every factor would judge it.
 */
function isVerifiedWithHeldFactor(facts: AccessFacts): boolean {
  const verifiedWith = facts.verifiedWith === null ? null : entryMethodOf(facts.verifiedWith);
  return (
    (verifiedWith !== null && isVerified(facts.verifiedAt, facts.now, facts.sessionMaxAge)) ||
    isDeviceAccepted({ ...facts.policy, allowedFactors: 'any' }, facts.device, facts.now)
  );
}

/**
 * A host route's step-up, for a principal the account lets in (`entry`): allowed only when
 * this session itself verified with a factor the account accepts within `stepUp` seconds
 * (at most `sessionMaxAge`). A remembered device is no step-up (a stolen cookie must not
 * reach a payout), nor is a sign-in through the account's SSO: a step-up asks for the
 * user's own second factor; nor is a new factor's registration (it proves the new key, not
 * the person). A recovery code verified within the window counts where app codes do: under
 * `phishing_resistant` it lets a user whose device is lost back in, but a phishable code
 * never passes the host's step-up there.
 *
 * A user without a factor the account accepts cannot step up: `mfa_required_for_action`,
 * with the factors to set up (and the grace deadline for a member inside one). Past the
 * grace period the entry itself is refused (`enrollment_required`), before any step-up.
 */
function decideStepUp(facts: AccessFacts, stepUp: number, entry: AccessDecision): AccessDecision {
  const { allowedFactors } = facts.policy;
  const accepts = acceptedMethods(allowedFactors);
  const usable = accepts.filter((method) => facts.methods.includes(method));
  if (usable.length === 0) {
    return {
      allow: false,
      reason: 'mfa_required_for_action',
      accepts,
      ...(entry.deadline ? { deadline: entry.deadline } : {}),
    };
  }
  const maxAgeSeconds = Math.min(stepUp, facts.sessionMaxAge);
  const fresh =
    acceptsStepUp(allowedFactors, facts.verifiedWith) &&
    isVerified(facts.verifiedAt, facts.now, maxAgeSeconds);
  return fresh ? entry : { allow: false, reason: 'step_up_required', maxAgeSeconds, accepts: usable };
}
