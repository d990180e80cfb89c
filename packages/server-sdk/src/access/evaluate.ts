import type { MfaContext } from '../core/context.ts';
import { isThenable } from '../core/deadline.ts';
import { isVerified, userFactorMethods } from '../core/user-state.ts';
import { markSessionByDevice, presentedDevice } from '../devices/remembered-devices.ts';
import { MfaError } from '../errors.ts';
import type {
  AccessDecision,
  FactorMethod,
  GraceRecord,
  Membership,
  PolicyRecord,
  Principal,
  RememberedDeviceRecord,
  SessionRecord,
  SsoIntegration,
} from '../model.ts';
import { loadPolicy } from '../policy/policy.ts';
import { type AccessFacts, decideAccess } from './decide.ts';

type Facts = [
  Membership | null,
  SsoIntegration | null,
  PolicyRecord,
  readonly FactorMethod[],
  SessionRecord | null,
];
type Maybe<T> = T | Promise<T>;
type Gathering = [
  Maybe<Membership | null>,
  Maybe<SsoIntegration | null>,
  Maybe<PolicyRecord>,
  Maybe<readonly FactorMethod[]>,
  Maybe<SessionRecord | null>,
];

/** A failed decision: `unavailable` (deny) for a store or hook failure, anything else thrown on. */
function failClosed(error: unknown): AccessDecision {
  if (error instanceof MfaError && error.code === 'unavailable')
    return { allow: false, reason: 'unavailable' };
  throw error;
}

/**
 * The remembered-device cookie's value, or a reader of it: the guard passes a reader, so that
 * the cookie is read only for a decision that needs it (a session not verified otherwise).
 */
export type DeviceToken = string | undefined | (() => string | undefined);

/**
 * The access decision for a principal entering an account; fails closed with `unavailable`.
 * `deviceToken`: the remembered-device cookie's value sent with the request, if any;
 * `stepUp`: a host route's step-up window in seconds, already validated (`checkStepUp`).
 */
export async function evaluate(
  ctx: MfaContext,
  principal: Principal,
  accountId: string,
  known?: Membership | null,
  deviceToken?: DeviceToken,
  stepUp?: number,
): Promise<AccessDecision> {
  return evaluateSync(ctx, principal, accountId, known, deviceToken, stepUp);
}

/**
 * `evaluate` for the guard: the decision itself, without a promise, when all it
 * needs is remembered and the hooks answer synchronously (the common case of a
 * guarded request), else a promise of it.
 */
export function evaluateSync(
  ctx: MfaContext,
  principal: Principal,
  accountId: string,
  known?: Membership | null,
  deviceToken?: DeviceToken,
  stepUp?: number,
): AccessDecision | Promise<AccessDecision> {
  let decision: AccessDecision | Promise<AccessDecision>;
  try {
    decision = gatherAndDecide(ctx, principal, accountId, known, false, deviceToken, stepUp);
  } catch (error) {
    return failClosed(error);
  }
  return isThenable(decision) ? decision.then(undefined, failClosed) : decision;
}

/** Gathers the facts (remembered ones unless `fresh`) and decides on them. */
function gatherAndDecide(
  ctx: MfaContext,
  principal: Principal,
  accountId: string,
  known: Membership | null | undefined,
  fresh: boolean,
  deviceToken: DeviceToken,
  stepUp: number | undefined,
): AccessDecision | Promise<AccessDecision> {
  const { cache } = ctx;
  const clock = Date.now();
  const generation = cache.generation;
  const { userId, sessionId } = principal;
  const rememberedMethods = fresh ? undefined : cache.methods.get(userId, clock);
  // Remembered by session id (no key to build on the hot path); another user's session of
  // the same id is not this one.
  const cachedSession = fresh ? undefined : cache.sessions.get(sessionId, clock);
  const rememberedSession = cachedSession?.userId === userId ? cachedSession : undefined;
  const gathering: Gathering = [
    known === undefined ? ctx.membership(userId, accountId) : known,
    ctx.sso(accountId),
    cache.policies.get(accountId, clock) ?? loadPolicy(ctx, accountId),
    // A decision made again on fresh reads (`fresh`) shares no read begun before it.
    rememberedMethods ?? loadMethods(ctx, userId, generation, !fresh),
    // The session matters only to a user with a factor.
    rememberedMethods?.length === 0
      ? null
      : (rememberedSession ?? loadSession(ctx, userId, sessionId, generation, !fresh)),
  ];
  const remembered = rememberedMethods !== undefined || rememberedSession !== undefined;
  const request: DecisionRequest = {
    principal,
    accountId,
    generation,
    remembered,
    fresh,
    deviceToken,
    stepUp,
  };
  for (const fact of gathering) {
    if (isThenable(fact)) {
      return Promise.all(gathering).then((facts) => decideOnFacts(ctx, request, facts as Facts));
    }
  }
  // Everything remembered and the hooks synchronous: no promise to wait for.
  return decideOnFacts(ctx, request, gathering as Facts);
}

/** What a decision is made for, besides its facts. */
interface DecisionRequest {
  principal: Principal;
  accountId: string;
  generation: number;
  /** Some user state came from the cache (a denial is then made again on fresh reads). */
  remembered: boolean;
  fresh: boolean;
  deviceToken: DeviceToken;
  /** A host route's step-up window (seconds), if it asks for one. */
  stepUp: number | undefined;
}

function decideOnFacts(
  ctx: MfaContext,
  request: DecisionRequest,
  [membership, sso, policy, methods, session]: Facts,
): AccessDecision | Promise<AccessDecision> {
  const { principal, accountId, generation } = request;
  const own = session && session.userId === principal.userId ? session : null;
  const facts: AccessFacts = {
    accountId,
    principal,
    membership,
    sso,
    policy,
    methods,
    verifiedAt: own?.verifiedAt ?? null,
    verifiedWith: own?.method ?? null,
    graceStartedAt: null,
    now: ctx.now(),
    sessionMaxAge: ctx.sessionMaxAge,
    stepUp: request.stepUp,
  };
  const decision = decideAccess(facts);
  // A deadline comes with the decisions of a requiring policy for a user without an accepted
  // factor (grace_period, enrollment_required, mfa_required_for_action inside the grace, and
  // challenge_required of a user who holds only factors the account does not accept), and
  // not_required before a requiring policy's start date. The grace period starts the first
  // time the user is evaluated under a requiring policy, announced or enforced (a member seen
  // before the start date has it counted from that date: policy/enforcement.ts).
  if (decision.deadline === undefined) return withDevice(ctx, request, facts, decision);
  return graceStart(ctx, accountId, principal.userId, facts.now, generation).then((start) => {
    const started = { ...facts, graceStartedAt: start.startedAt, graceForfeitedAt: start.forfeitedAt };
    return withDevice(ctx, request, started, decideAccess(started));
  });
}

/** A challenge the remembered device presented with the request may answer; else the decision, confirmed. */
function withDevice(
  ctx: MfaContext,
  request: DecisionRequest,
  facts: AccessFacts,
  decision: AccessDecision,
): AccessDecision | Promise<AccessDecision> {
  const { principal, remembered } = request;
  const confirm = (made: AccessDecision) => confirmDenial(ctx, made, remembered, request, facts.membership);
  // Only now is the device cookie read and looked up: a session verified for this account needs none.
  const token = decision.reason === 'challenge_required' ? tokenOf(request.deviceToken) : undefined;
  if (token === undefined) return confirm(decision);
  const device = presentedDevice(ctx, principal.userId, token, request.fresh);
  if (device === null) return confirm(decision);
  const decideWith = (found: RememberedDeviceRecord | null) =>
    found === null ? confirm(decision) : decideWithDevice(ctx, request, facts, found, token);
  return isThenable(device) ? device.then(decideWith) : decideWith(device);
}

/**
 * The decision with the remembered device presented: `verified` when this account accepts
 * it (access/decide.ts says when). A session not verified otherwise is then marked verified
 * with `remembered_device` (and the device's last use set), once per `sessionMaxAge`, not on
 * every request: the mark by itself opens nothing (decide.ts), it tells `GET /me` and the
 * device list what happened.
 */
function decideWithDevice(
  ctx: MfaContext,
  request: DecisionRequest,
  facts: AccessFacts,
  device: RememberedDeviceRecord,
  token: string,
): AccessDecision | Promise<AccessDecision> {
  const { principal } = request;
  const decision = decideAccess({ ...facts, device });
  if (!decision.allow)
    return confirmDenial(ctx, decision, request.remembered || !request.fresh, request, facts.membership);
  if (isVerified(facts.verifiedAt, facts.now, ctx.sessionMaxAge)) return decision;
  return markSessionByDevice(ctx, principal, device, token, facts.now).then(() => decision);
}

const tokenOf = (token: DeviceToken) => (typeof token === 'function' ? token() : token);

/** Denials that a verification or an enrollment on another instance may have lifted. */
const liftable = new Set<AccessDecision['reason']>([
  'challenge_required',
  'enrollment_required',
  'step_up_required',
  'mfa_required_for_action',
]);

/** Never a denial on remembered state: the user may have verified or enrolled on another instance. */
function confirmDenial(
  ctx: MfaContext,
  decision: AccessDecision,
  remembered: boolean,
  request: DecisionRequest,
  membership: Membership | null,
): AccessDecision | Promise<AccessDecision> {
  if (!remembered || !liftable.has(decision.reason)) return decision;
  const { principal, accountId, deviceToken, stepUp } = request;
  return gatherAndDecide(ctx, principal, accountId, membership, true, deviceToken, stepUp);
}

function loadMethods(
  ctx: MfaContext,
  userId: string,
  generation: number,
  share: boolean,
): Promise<readonly FactorMethod[]> {
  return ctx.cache.singleFlight(
    `factor\u0000${userId}`,
    async () => {
      const methods = await userFactorMethods(ctx, userId);
      if (generation === ctx.cache.generation) ctx.cache.methods.set(userId, methods, Date.now());
      return methods;
    },
    share,
  );
}

function loadSession(
  ctx: MfaContext,
  userId: string,
  sessionId: string,
  generation: number,
  share: boolean,
): Promise<SessionRecord | null> {
  return ctx.cache.singleFlight(
    `session\u0000${userId}\u0000${sessionId}`,
    async () => {
      const session = await ctx.store.getSession(userId, sessionId);
      if (session && generation === ctx.cache.generation) ctx.cache.rememberSession(session);
      return session;
    },
    share,
  );
}

/** The user's grace period in the account (when it began, whether a reset forfeited it), starting it now if it has not. */
async function graceStart(
  ctx: MfaContext,
  accountId: string,
  userId: string,
  now: Date,
  generation: number,
): Promise<GraceRecord> {
  const key = `${accountId}\u0000${userId}`;
  const remembered = ctx.cache.graceStarts.get(key, Date.now());
  if (remembered) return remembered;
  // Read before writing: once the grace period has started, evaluating writes nothing.
  const known = (await ctx.store.getGraceStarts(accountId, [userId])).get(userId);
  const start = known ?? (await ctx.store.startGrace(accountId, userId, now));
  if (generation === ctx.cache.generation) ctx.cache.graceStarts.set(key, start, Date.now());
  return start;
}
