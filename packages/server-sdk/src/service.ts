import { type AccessFacts, decideAccess, isVerified } from './access/decide.ts';
import { checkKeys } from './crypto/key-check.ts';
import { checkSecrets, MfaConfigError, SecretBox } from './crypto/secret-box.ts';
import {
  generateRecoveryCodes,
  looksLikeRecoveryCode,
  normalizeRecoveryCode,
} from './factors/recovery-codes.ts';
import { checkTotp, generateTotpSecret, matchTotp, qrSvg, totpUri } from './factors/totp.ts';
import { MfaError } from './http/errors.ts';
import {
  type AccessDecision,
  type AuditEvent,
  type AuditEventInput,
  defaultPolicy,
  graceDeadline,
  type Membership,
  type MembershipListing,
  type PolicyMode,
  type PolicyRecord,
  type Principal,
  policyRequires,
  type SessionRecord,
  type SsoIntegration,
} from './model.ts';
import type { MfaOptions } from './options.ts';
import {
  type AttemptProof,
  type AttemptResult,
  type AuditWrite,
  type LockSchedule,
  lockDurationMs,
  type MfaStore,
} from './store/store.ts';
import { TtlCache } from './ttl-cache.ts';

/** Consecutive failures before the back-off starts, its first lock, its cap (DESIGN: security rules). */
export const LOCK_SCHEDULE: LockSchedule = { threshold: 5, baseMs: 30_000, capMs: 3_600_000 };
/** After this many consecutive failures TOTP codes are refused until a recovery code is used. */
export const TOTP_FAILURE_LIMIT = 100;
/** A sensitive call needs a verification this recent (seconds). */
export const STEP_UP_MAX_AGE = 15 * 60;
/** How long a pending TOTP secret waits for its confirmation. */
export const PENDING_SETUP_TTL_MS = 10 * 60_000;
/** Expired rows are pruned every this many writes of an instance, at most `PRUNE_LIMIT` of each kind. */
const PRUNE_EVERY = 32;
const PRUNE_LIMIT = 100;
/** A failure count with no new failure for this long is forgotten (unless it reached `TOTP_FAILURE_LIMIT`). */
const ATTEMPTS_IDLE_MS = 30 * 86_400_000;

/** `too_many_attempts`, with the seconds until `lockedUntil` (at least 1). */
function tooManyAttempts(lockedUntil: Date, now: Date): MfaError {
  const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
  return MfaError.of('too_many_attempts', { retryAfterSeconds });
}

/** A forfeited grace period starts this far back, so it has ended under any policy (max 90 days). */
const FORFEIT_MS = 91 * 86_400_000;

export interface PolicyChange {
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  version?: number | undefined;
}

/** Runs a store call or host hook, turning a throw or a hang into `unavailable`; `operation` names it in logs. */
export type Guarded = <T>(work: () => T | Promise<T>, operation?: string) => Promise<T>;

/** Like `Guarded`, but a hook that answers synchronously gets its value back as is, without a promise. */
export type GuardedCall = <T>(work: () => T | Promise<T>, operation?: string) => T | Promise<T>;

export const isThenable = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

type Settled<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/** A failed decision: `unavailable` (deny) for a store or hook failure, anything else thrown on. */
function failClosed(error: unknown): AccessDecision {
  if (error instanceof MfaError && error.code === 'unavailable')
    return { allow: false, reason: 'unavailable' };
  throw error;
}

/** What a store call or hook that failed was, for the host's `onError`. */
export interface MfaErrorContext {
  /** `store.<method>` for a store call, else the hook's name (`getMembership`, `authenticate`…). */
  operation: string;
}

/**
 * Turns the failure of a store call or hook into `unavailable`, keeping it as the
 * `cause` and reporting it once: to the host's `onError`, else to the console. An
 * `MfaError` passes through unreported (it was reported where it was made, or is
 * no failure at all). Only the operation's name and the error are reported, never
 * the call's arguments, so no secret or code reaches a log.
 */
function failureReporter(onError: MfaOptions['onError']) {
  return (cause: unknown, operation: string): MfaError => {
    if (cause instanceof MfaError) return cause;
    const error = MfaError.of('unavailable', {}, undefined, cause);
    // A wrong key is reported once, by `ready()`, not again on each request it fails.
    if (cause instanceof MfaConfigError) return error;
    try {
      if (onError) onError(cause, { operation });
      else console.error(`mfakit: ${operation} failed, answering 503 unavailable:`, cause);
    } catch (hookError) {
      console.error(`mfakit: ${operation} failed, and onError threw:`, cause, hookError);
    }
    return error;
  };
}

/**
 * Time limits for store calls and hooks. One timer serves every call in flight
 * (they end in the order they started, as all get the same `timeoutMs`), and a
 * hook that answers synchronously needs none: where a timer each (set, then
 * cleared) cost a few µs a call, a busy instance now sets one per `timeoutMs`.
 * The timer is unref'd where the runtime can (Node, Bun): it never keeps a
 * process alive by itself.
 */
function guarded(
  timeoutMs: number,
  fail: (cause: unknown, operation: string) => MfaError,
): { io: Guarded; call: GuardedCall } {
  const pending = new Set<{ deadline: number; operation: string; reject: (error: unknown) => void }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number) => {
    timer = setTimeout(expire, ms);
    (timer as { unref?: () => void }).unref?.();
  };
  const expire = () => {
    timer = undefined;
    const now = performance.now();
    for (const entry of pending) {
      if (entry.deadline > now) {
        arm(entry.deadline - now);
        return;
      }
      pending.delete(entry);
      entry.reject(fail(new Error(`timed out after ${timeoutMs} ms`), entry.operation));
    }
  };
  /** Promises `call` made: already under the time limit, and reported, when they fail. */
  const limited = new WeakSet<PromiseLike<unknown>>();
  const call: GuardedCall = (work, operation = 'a store call or hook') => {
    let value: ReturnType<typeof work>;
    try {
      value = work();
    } catch (error) {
      throw fail(error, operation);
    }
    if (!isThenable(value) || limited.has(value)) return value;
    const promise = new Promise<unknown>((resolve, reject) => {
      const entry = { deadline: performance.now() + timeoutMs, operation, reject };
      pending.add(entry);
      if (timer === undefined) arm(timeoutMs);
      value.then(
        (result) => {
          pending.delete(entry);
          resolve(result);
        },
        (error: unknown) => {
          pending.delete(entry);
          reject(fail(error, operation));
        },
      );
    });
    limited.add(promise);
    return promise as ReturnType<typeof work>;
  };
  const io: Guarded = (work, operation) => {
    try {
      return Promise.resolve(call(work, operation));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return { io, call };
}

/**
 * The store with each method run under `call`: a failure or a hang of any store
 * call becomes `unavailable`, reported once with the method's name.
 */
function reportingStore(store: MfaStore, call: GuardedCall): MfaStore {
  const wrapped: Record<string, unknown> = {};
  const names = new Set<string>();
  for (let o: object | null = store; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  for (const name of names) {
    const member = (store as unknown as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof member !== 'function') continue;
    const operation = `store.${name}`;
    wrapped[name] = (...args: unknown[]) => call(() => member.apply(store, args), operation);
  }
  return wrapped as unknown as MfaStore;
}

/**
 * The rules of mfakit, independent of HTTP: policy, access, factors, throttle
 * and audit. Routes and the guard call it; it calls the store and the host's
 * hooks, each through `io` so that a failure or a hang becomes `unavailable`.
 *
 * What the access decision reads of the store (policies, whether a user has a
 * factor, verified sessions, grace starts) this instance remembers for at most
 * `policyCacheTtl`, so that a guarded request of a verified user costs no store
 * call. The rules that keep this correct:
 * - this instance's own writes update or forget what it remembers at once
 *   (enrolling, removing or resetting MFA, a verification, a policy change),
 *   and a read begun before such a write is not remembered after it;
 * - another instance's writes are seen within `policyCacheTtl`, never later;
 * - a denial (`challenge_required`, `enrollment_required`) is never made on
 *   remembered user state: it is decided again on fresh reads, so a user who
 *   verified or enrolled on another instance is let in at once.
 */
/** What `rotateKeys` did, and what still needs an older key. */
export interface KeyRotationReport {
  /** The id of the newest key (the first `secret`), which now seals every readable factor. */
  keyId: string;
  /** Factors sealed under an older key, now sealed under the newest. */
  factorsResealed: number;
  /** Factors no configured key opens: their users cannot verify until an administrator resets them. */
  factorsUnreadable: number;
  /**
   * Users whose unused recovery codes were hashed under an older key. Codes cannot be
   * re-hashed (only their hashes are stored): they work while that key stays listed,
   * and the users get new ones by regenerating them in their profile.
   */
  recoveryCodesUnderOlderKeys: number;
  /** False once nothing needs an older key: it may then be removed from `secret`. */
  olderKeysInUse: boolean;
}

export class MfaService {
  readonly store: MfaStore;
  readonly box: SecretBox;
  readonly now: () => Date;
  readonly sessionMaxAge: number;
  readonly io: Guarded;
  /** `unavailable` for a failure underneath, reported once (to `onError`, else the console). */
  private readonly fail: (cause: unknown, operation: string) => MfaError;
  /** `io` for the hot path: a hook that answers synchronously costs no promise. */
  private readonly call: GuardedCall;
  private readonly policies: TtlCache<string, PolicyRecord>;
  /** Whether a user has an active factor. */
  private readonly enrolled: TtlCache<string, boolean>;
  /** Sessions the store knows as verified, by id (an unknown session is not remembered). */
  private readonly sessions: TtlCache<string, SessionRecord>;
  /** Grace starts, by `accountId \0 userId`: once known, evaluating writes nothing. */
  private readonly graceStarts: TtlCache<string, Date>;
  /** Counts this instance's writes to users' MFA: a read begun before one is not remembered. */
  private generation = 0;
  /** Store reads in flight, by what they read (see `shared`). */
  private readonly inflight = new Map<string, { generation: number; promise: Promise<unknown> }>();

  constructor(readonly options: MfaOptions) {
    this.box = new SecretBox(checkSecrets(options.secret));
    this.now = options.now ?? (() => new Date());
    this.sessionMaxAge = options.sessionMaxAge ?? 12 * 3600;
    const ttlMs = (options.policyCacheTtl ?? 5) * 1000;
    this.policies = new TtlCache(ttlMs, 10_000);
    this.enrolled = new TtlCache(ttlMs);
    this.sessions = new TtlCache(ttlMs);
    this.graceStarts = new TtlCache(ttlMs);
    this.fail = failureReporter(options.onError);
    const { io, call } = guarded(options.timeoutMs ?? 5000, this.fail);
    this.io = io;
    this.call = call;
    this.store = reportingStore(options.store, call);
  }

  // ── readiness ────────────────────────────────────────────────────────────

  private readiness: Promise<void> | undefined;
  private isReady = false;

  /**
   * Migrations applied and the key check passed (`checkKeys`). A wrong key rejects
   * with `MfaConfigError`, for good; a store failure is tried again on the next call.
   */
  ready(): Promise<void> {
    this.readiness ??= checkKeys(this.store, this.box).then(
      () => {
        this.isReady = true;
      },
      (error: unknown) => {
        if (error instanceof MfaConfigError) console.error(`mfakit: ${error.message}`);
        else this.readiness = undefined;
        throw error;
      },
    );
    return this.readiness;
  }

  /** `ready()` for a request: at once when ready, else within `timeoutMs` or `unavailable`. */
  readyForRequest(): Promise<void> | undefined {
    // Nothing to wait for once ready: no promise on every request.
    return this.isReady ? undefined : this.io(() => this.ready(), 'ready (migrations and the key check)');
  }

  // ── hooks ────────────────────────────────────────────────────────────────

  membership(userId: string, accountId: string): Promise<Membership | null> {
    return this.io(() => this.options.getMembership(userId, accountId), 'getMembership');
  }

  memberships(userId: string): Promise<MembershipListing[]> {
    return this.io(() => this.options.listMemberships(userId), 'listMemberships');
  }

  members(accountId: string) {
    return this.io(() => this.options.listMembers(accountId), 'listMembers');
  }

  sso(accountId: string) {
    const getSso = this.options.getSso;
    return getSso ? this.io(() => getSso(accountId), 'getSso') : Promise.resolve(null);
  }

  // ── audit ────────────────────────────────────────────────────────────────

  async record(event: Omit<AuditEventInput, 'at'>): Promise<void> {
    const stored = await this.io(() => this.store.appendAudit({ ...event, at: this.now() }));
    await this.notify([stored]);
  }

  /**
   * Audit events for a store call to append with its change (`AuditWrite`), and
   * `publish`, which hands the stored ones to `onEvent` once the call returned.
   */
  private auditWrite(
    event: Omit<AuditEventInput, 'at'> | ((result: unknown) => Omit<AuditEventInput, 'at'>),
  ): AuditWrite & { publish(): Promise<void> } {
    const at = this.now();
    let stored: AuditEvent[] = [];
    return {
      events: (result: unknown) => [{ ...(typeof event === 'function' ? event(result) : event), at }],
      stored: (appended) => {
        stored = appended;
      },
      publish: () => this.notify(stored),
    };
  }

  /** Hands stored events to the host's `onEvent`; its failures are logged, never the caller's. */
  private async notify(events: readonly AuditEvent[]): Promise<void> {
    for (const event of events) {
      try {
        await this.options.onEvent?.(event);
      } catch (error) {
        console.error('mfakit: onEvent threw', error);
      }
    }
  }

  // ── policy ───────────────────────────────────────────────────────────────

  /** The account's policy, from this instance's cache when it is fresh enough. */
  policy(accountId: string): Promise<PolicyRecord> {
    const cached = this.policies.get(accountId, Date.now());
    return cached ? Promise.resolve(cached) : this.loadPolicy(accountId);
  }

  private loadPolicy(accountId: string): Promise<PolicyRecord> {
    return this.shared(`policy\u0000${accountId}`, async () => {
      const policy = (await this.io(() => this.store.getPolicy(accountId))) ?? defaultPolicy(accountId);
      this.cachePolicy(policy);
      return policy;
    });
  }

  /**
   * One store read for concurrent misses of the same key: a page that sends ten
   * guarded requests at once, or a cache entry expiring under load, reads once.
   * A read begun before this instance changed what it reads (another generation)
   * is not shared with requests made after the change.
   */
  private shared<T>(key: string, load: () => Promise<T>, share = true): Promise<T> {
    const generation = this.generation;
    const current = this.inflight.get(key);
    if (share && current?.generation === generation) return current.promise as Promise<T>;
    const promise = load();
    this.inflight.set(key, { generation, promise });
    const done = () => {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  private cachePolicy(policy: PolicyRecord) {
    const nowMs = Date.now();
    // A read begun before this instance's own write may end after it: it must not undo it.
    const cached = this.policies.get(policy.accountId, nowMs);
    if (cached && cached.version > policy.version) return;
    this.policies.set(policy.accountId, policy, nowMs);
  }

  async updatePolicy(accountId: string, actorId: string, change: PolicyChange): Promise<PolicyRecord> {
    for (let tries = 0; tries < 5; tries++) {
      const current = (await this.io(() => this.store.getPolicy(accountId))) ?? defaultPolicy(accountId);
      if (change.version !== undefined && change.version !== current.version)
        throw MfaError.of('version_conflict');
      const next: PolicyRecord = {
        accountId,
        mode: change.mode,
        gracePeriodDays: change.gracePeriodDays,
        enforceAfterSso: change.enforceAfterSso,
        version: current.version + 1,
        updatedAt: this.now(),
        updatedBy: actorId,
      };
      const summary = ({ mode, gracePeriodDays, enforceAfterSso }: PolicyRecord) => ({
        mode,
        gracePeriodDays,
        enforceAfterSso,
      });
      const audit = this.auditWrite({
        type: 'policy.updated',
        actorId,
        userId: null,
        accountId,
        before: summary(current),
        after: summary(next),
      });
      if (await this.io(() => this.store.putPolicy(next, current.version, audit))) {
        this.cachePolicy(next);
        await audit.publish();
        return next;
      }
      if (change.version !== undefined) throw MfaError.of('version_conflict');
    }
    throw MfaError.of('version_conflict');
  }

  // ── access ───────────────────────────────────────────────────────────────

  /** The access decision for a principal entering an account; fails closed with `unavailable`. */
  async evaluate(
    principal: Principal,
    accountId: string,
    known?: Membership | null,
  ): Promise<AccessDecision> {
    return this.evaluateNow(principal, accountId, known);
  }

  /**
   * `evaluate` for the guard: the decision itself, without a promise, when all it
   * needs is remembered and the hooks answer synchronously (the common case of a
   * guarded request), else a promise of it.
   */
  evaluateNow(
    principal: Principal,
    accountId: string,
    known?: Membership | null,
  ): AccessDecision | Promise<AccessDecision> {
    let decision: AccessDecision | Promise<AccessDecision>;
    try {
      decision = this.decide(principal, accountId, known, false);
    } catch (error) {
      return failClosed(error);
    }
    return isThenable(decision) ? decision.then(undefined, failClosed) : decision;
  }

  private decide(
    principal: Principal,
    accountId: string,
    known: Membership | null | undefined,
    fresh: boolean,
  ): AccessDecision | Promise<AccessDecision> {
    const clock = Date.now();
    const generation = this.generation;
    const { userId, sessionId } = principal;
    const rememberedEnrolled = fresh ? undefined : this.enrolled.get(userId, clock);
    // Remembered by session id (no key to build on the hot path); another user's session of
    // the same id is not this one.
    const cachedSession = fresh ? undefined : this.sessions.get(sessionId, clock);
    const rememberedSession = cachedSession?.userId === userId ? cachedSession : undefined;
    const gathering = [
      known === undefined
        ? this.hook(() => this.options.getMembership(userId, accountId), 'getMembership')
        : known,
      this.options.getSso ? this.hook(() => this.options.getSso?.(accountId) ?? null, 'getSso') : null,
      this.policies.get(accountId, clock) ?? this.loadPolicy(accountId),
      // A decision made again on fresh reads (`fresh`) shares no read begun before it.
      rememberedEnrolled ?? this.loadEnrolled(userId, generation, !fresh),
      // The session matters only to a user with a factor.
      rememberedEnrolled === false
        ? null
        : (rememberedSession ?? this.loadSession(userId, sessionId, generation, !fresh)),
    ] as const;
    const remembered = rememberedEnrolled !== undefined || rememberedSession !== undefined;
    for (const fact of gathering) {
      if (isThenable(fact)) {
        return Promise.all(gathering).then((facts) =>
          this.conclude(principal, accountId, facts, generation, remembered),
        );
      }
    }
    // Everything remembered and the hooks synchronous: no promise to wait for.
    return this.conclude(
      principal,
      accountId,
      gathering as Settled<typeof gathering>,
      generation,
      remembered,
    );
  }

  private conclude(
    principal: Principal,
    accountId: string,
    [membership, sso, policy, enrolled, session]: [
      Membership | null,
      SsoIntegration | null,
      PolicyRecord,
      boolean,
      SessionRecord | null,
    ],
    generation: number,
    remembered: boolean,
  ): AccessDecision | Promise<AccessDecision> {
    const { userId } = principal;
    const facts: AccessFacts = {
      accountId,
      principal,
      membership,
      sso,
      policy,
      enrolled,
      verifiedAt: session && session.userId === userId ? session.verifiedAt : null,
      graceStartedAt: null,
      now: this.now(),
      sessionMaxAge: this.sessionMaxAge,
    };
    const decision = decideAccess(facts);
    if (decision.reason !== 'grace_period' && decision.reason !== 'enrollment_required') {
      return this.recheck(decision, remembered, principal, accountId, membership);
    }
    // The grace period starts the first time the user is evaluated under a requiring policy.
    return this.graceStart(accountId, userId, facts.now, generation).then((start) =>
      this.recheck(
        decideAccess({ ...facts, graceStartedAt: start }),
        remembered,
        principal,
        accountId,
        membership,
      ),
    );
  }

  /** Never a denial on remembered state: the user may have verified or enrolled on another instance. */
  private recheck(
    decision: AccessDecision,
    remembered: boolean,
    principal: Principal,
    accountId: string,
    membership: Membership | null,
  ): AccessDecision | Promise<AccessDecision> {
    const denied = decision.reason === 'challenge_required' || decision.reason === 'enrollment_required';
    return remembered && denied ? this.decide(principal, accountId, membership, true) : decision;
  }

  /**
   * A host hook under the time limit, for the hot path: a synchronous answer comes
   * back as is (no promise, no timer); a throw, a rejection or a hang becomes a
   * rejected promise of `unavailable`.
   */
  hook<T>(work: () => T | Promise<T>, operation: string): T | Promise<T> {
    try {
      return this.call(work, operation);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private loadEnrolled(userId: string, generation: number, share: boolean): Promise<boolean> {
    return this.shared(
      `factor\u0000${userId}`,
      async () => {
        const enrolled = (await this.io(() => this.store.getFactor(userId))) !== null;
        if (generation === this.generation) this.enrolled.set(userId, enrolled, Date.now());
        return enrolled;
      },
      share,
    );
  }

  private loadSession(
    userId: string,
    sessionId: string,
    generation: number,
    share: boolean,
  ): Promise<SessionRecord | null> {
    return this.shared(
      `session\u0000${userId}\u0000${sessionId}`,
      async () => {
        const session = await this.io(() => this.store.getSession(userId, sessionId));
        if (session && generation === this.generation) this.sessions.set(sessionId, session, Date.now());
        return session;
      },
      share,
    );
  }

  /** When the user's grace period in the account began, starting it now if it has not. */
  private async graceStart(accountId: string, userId: string, now: Date, generation: number): Promise<Date> {
    const key = `${accountId}\u0000${userId}`;
    const remembered = this.graceStarts.get(key, Date.now());
    if (remembered) return remembered;
    // Read before writing: once the grace period has started, evaluating writes nothing.
    const known = (await this.io(() => this.store.getGraceStarts(accountId, [userId]))).get(userId);
    const start = known ?? (await this.io(() => this.store.startGrace(accountId, userId, now)));
    if (generation === this.generation) this.graceStarts.set(key, start, Date.now());
    return start;
  }

  /**
   * A write to the user's MFA through `io`, after which (done, failed or timed
   * out: the store may have changed all the same) this instance forgets what it
   * remembered of the user, and remembers no read begun before.
   */
  private async changeUser<T>(userId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.io(work);
    } finally {
      this.forgetUser(userId);
    }
  }

  private forgetUser(userId: string): void {
    this.generation++;
    this.enrolled.delete(userId);
    this.sessions.deleteWhere((_, session) => session.userId === userId);
    this.graceStarts.deleteWhere((key) => key.endsWith(`\u0000${userId}`));
  }

  /** Accounts whose policy requires MFA of this user, with the grace deadline where one runs. */
  async requiredBy(userId: string, enrolled: boolean) {
    const memberships = await this.memberships(userId);
    const requiring: { listing: MembershipListing; policy: PolicyRecord }[] = [];
    for (const listing of memberships) {
      const policy = await this.policy(listing.accountId);
      if (policyRequires(policy.mode, listing.role)) requiring.push({ listing, policy });
    }
    return Promise.all(
      requiring.map(async ({ listing, policy }) => {
        let deadline: Date | null = null;
        if (!enrolled) {
          const starts = await this.io(() => this.store.getGraceStarts(listing.accountId, [userId]));
          const start = starts.get(userId);
          deadline = start ? graceDeadline(start, policy.gracePeriodDays) : null;
        }
        return { accountId: listing.accountId, accountName: listing.accountName, deadline };
      }),
    );
  }

  // ── step-up ──────────────────────────────────────────────────────────────

  /** When the caller has MFA, a verification within 15 minutes; `requireFactor` demands MFA too. */
  async requireStepUp(principal: Principal, requireFactor = false): Promise<void> {
    const factor = await this.io(() => this.store.getFactor(principal.userId));
    if (!factor) {
      if (requireFactor) {
        throw MfaError.of(
          'step_up_required',
          {},
          'Set up multi-factor authentication and verify first: only an administrator who has it can do this.',
        );
      }
      return;
    }
    const session = await this.io(() => this.store.getSession(principal.userId, principal.sessionId));
    const maxAge = Math.min(STEP_UP_MAX_AGE, this.sessionMaxAge);
    const verifiedAt = session && session.userId === principal.userId ? session.verifiedAt : null;
    if (!isVerified(verifiedAt, this.now(), maxAge)) throw MfaError.of('step_up_required');
  }

  async sessionState(principal: Principal) {
    const session = await this.io(() => this.store.getSession(principal.userId, principal.sessionId));
    const verifiedAt = session && session.userId === principal.userId ? session.verifiedAt : null;
    return { verified: isVerified(verifiedAt, this.now(), this.sessionMaxAge), verifiedAt };
  }

  // ── enrollment ───────────────────────────────────────────────────────────

  async setupTotp(principal: Principal) {
    const secret = generateTotpSecret();
    const expiresAt = new Date(this.now().getTime() + PENDING_SETUP_TTL_MS);
    const sealed = await this.box.seal(secret, principal.userId);
    await this.io(() => this.store.putPendingTotp({ userId: principal.userId, secret: sealed, expiresAt }));
    await this.pruneAsWritesGo();
    const otpauthUri = totpUri(this.options.issuer, principal.email ?? principal.userId, secret);
    return { otpauthUri, qrSvg: await qrSvg(otpauthUri), secret, expiresAt };
  }

  async confirmTotp(principal: Principal, code: string): Promise<string[]> {
    const { userId } = principal;
    const pending = await this.io(() => this.store.getPendingTotp(userId));
    if (!pending) throw MfaError.of('not_enrolled', {}, 'Start the setup first.');
    if (pending.expiresAt <= this.now())
      throw MfaError.of('not_enrolled', {}, 'The setup expired. Start again.');
    // Locked: refused before any secret is opened or code computed.
    await this.refuseIfLocked(userId, this.now());
    let opened: { plaintext: string; stale: boolean };
    try {
      opened = await this.box.open(pending.secret, userId);
    } catch {
      // Sealed under a key no longer configured (begun before a rotation finished): a new
      // setup is all the user needs.
      throw MfaError.of('not_enrolled', {}, 'The setup expired. Start again.');
    }
    const { plaintext: secret, stale } = opened;
    let step = 0;
    await this.attempt(userId, async () => {
      const check = await checkTotp(secret, code, this.now(), null);
      if (check.valid) step = check.timeStep;
      return check.valid;
    });
    const before = await this.io(() => this.store.getFactor(userId));
    const codes = generateRecoveryCodes();
    const hashes = await this.hashRecoveryCodes(codes);
    // A setup sealed before a key rotation becomes a factor sealed under the newest key.
    const sealed = stale ? await this.box.seal(secret, userId) : pending.secret;
    const factor = { userId, secret: sealed, lastUsedStep: step, createdAt: this.now() };
    const audit = this.auditWrite({
      type: 'mfa.enrolled',
      actorId: userId,
      userId,
      accountId: null,
      before: { enrolled: before !== null },
      after: { enrolled: true, factor: 'totp' },
    });
    // Every other session of the user ends with the factor it was verified with; this one is
    // verified with the new factor, in the same transaction.
    const session = { sessionId: principal.sessionId, userId, verifiedAt: this.now() };
    const activated = await this.changeUser(userId, () =>
      this.store.activateTotp(factor, pending.secret, hashes, audit, session),
    );
    if (!activated) throw MfaError.of('not_enrolled', {}, 'The setup was replaced. Start again.');
    this.sessions.set(session.sessionId, session, Date.now());
    await audit.publish();
    return codes;
  }

  async removeTotp(principal: Principal): Promise<void> {
    const { userId } = principal;
    const factor = await this.io(() => this.store.getFactor(userId));
    if (!factor) throw MfaError.of('not_enrolled');
    const requiring = await this.requiredBy(userId, true);
    if (requiring.length > 0) {
      const names = requiring.map((a) => a.accountName).join(', ');
      throw MfaError.of(
        'mfa_required_by_policy',
        { accounts: requiring.map(({ accountId, accountName }) => ({ accountId, accountName })) },
        `Multi-factor authentication is required by ${names}.`,
      );
    }
    const audit = this.auditWrite({
      type: 'mfa.removed',
      actorId: userId,
      userId,
      accountId: null,
      before: { enrolled: true },
      after: { enrolled: false },
    });
    // Factor, codes, failed attempts and sessions go together (the store's deleteFactor).
    await this.changeUser(userId, () => this.store.deleteFactor(userId, audit));
    await audit.publish();
  }

  async regenerateRecoveryCodes(principal: Principal): Promise<string[]> {
    const { userId } = principal;
    if (!(await this.io(() => this.store.getFactor(userId)))) throw MfaError.of('not_enrolled');
    const before = await this.io(() => this.store.countRecoveryCodes(userId));
    const codes = generateRecoveryCodes();
    const hashes = await this.hashRecoveryCodes(codes);
    const audit = this.auditWrite({
      type: 'recovery_codes.regenerated',
      actorId: userId,
      userId,
      accountId: null,
      before: { remaining: before },
      after: { remaining: codes.length },
    });
    // Every other verified session of the user ends with the old codes, in the same transaction.
    await this.changeUser(userId, () =>
      this.store.replaceRecoveryCodes(userId, hashes, audit, principal.sessionId),
    );
    await audit.publish();
    return codes;
  }

  /**
   * Removes a user's MFA for the host's support staff or an account admin: the
   * factor, recovery codes, failed attempts and verified sessions go, and the user
   * gets no new grace period in any of their accounts.
   */
  async resetUser(userId: string, actorId: string | null, accountId: string | null): Promise<boolean> {
    // Where a policy requires MFA of the user now, the reset starts no new grace period;
    // accounts that require it only later give the user their days like everyone else.
    // Forfeited before the factor goes: a reset cut short there leaves the MFA whole,
    // never a user without MFA who gets a fresh grace period.
    const accounts: string[] = [];
    for (const m of await this.memberships(userId)) {
      if (policyRequires((await this.policy(m.accountId)).mode, m.role)) accounts.push(m.accountId);
    }
    const forfeitAt = new Date(this.now().getTime() - FORFEIT_MS);
    await this.changeUser(userId, () => this.store.forfeitGrace(userId, accounts, forfeitAt));
    // Written with the reset itself, saying whether there was MFA to reset.
    const audit = this.auditWrite((existed) => ({
      type: 'mfa.reset',
      actorId,
      userId,
      accountId,
      before: { enrolled: existed === true },
      after: { enrolled: false },
    }));
    // Factor, codes, failed attempts and sessions go together (the store's deleteFactor).
    const existed = await this.changeUser(userId, () => this.store.deleteFactor(userId, audit));
    await audit.publish();
    return existed;
  }

  /** Keyed hashes of fresh codes, in the canonical form `challenge` hashes what the user types. */
  private hashRecoveryCodes(codes: readonly string[]): Promise<string[]> {
    return Promise.all(codes.map((c) => this.box.hash(normalizeRecoveryCode(c))));
  }

  // ── verification ─────────────────────────────────────────────────────────

  async challenge(principal: Principal, input: { code: string } | { recoveryCode: string }) {
    const { userId, sessionId } = principal;
    const factor = await this.io(() => this.store.getFactor(userId));
    if (!factor) throw MfaError.of('not_enrolled');
    const now = this.now();
    // Locked: refused before any secret is opened or code computed (the settling transaction
    // checks again, atomically, for attempts that raced past this).
    await this.refuseIfLocked(userId, now);
    let proof: AttemptProof;
    /** The plaintext of a secret an older key sealed, to re-seal under the newest once verified. */
    let stale: string | undefined;
    if ('code' in input) {
      const opened = await this.openFactor(userId, factor.secret);
      // Judged against every step the code may be for; the store decides on the replay and the
      // back-off in the same transaction that consumes the step, on this secret only.
      const step = await matchTotp(opened.plaintext, input.code, now);
      proof = { kind: 'totp', step, failureLimit: TOTP_FAILURE_LIMIT, secret: factor.secret };
      if (opened.stale) stale = opened.plaintext;
    } else {
      const normalized = normalizeRecoveryCode(input.recoveryCode);
      proof = {
        kind: 'recovery',
        hashes: looksLikeRecoveryCode(normalized) ? await this.box.hashes(normalized) : [],
      };
    }
    const result = await this.io(() =>
      this.store.settleAttempt({
        userId,
        sessionId,
        now,
        schedule: LOCK_SCHEDULE,
        proof,
        audit: (settled) => this.attemptEvents(userId, proof.kind, settled, now),
      }),
    );
    await this.notify(result.events);
    if (result.outcome === 'locked') throw tooManyAttempts(result.lockedUntil, now);
    if (result.outcome !== 'verified') throw this.refusal(proof.kind, result.outcome, result.failures);
    this.sessions.set(sessionId, { sessionId, userId, verifiedAt: now }, Date.now());
    await this.pruneAsWritesGo();
    if (stale !== undefined) {
      const secret = await this.box.seal(stale, userId);
      // Unless the factor changed meanwhile (a new enrollment): that one stays.
      await this.io(() => this.store.updateFactorSecret(userId, secret, factor.secret));
    }
    return {
      verified: true as const,
      verifiedAt: now,
      recoveryCodesRemaining: result.recoveryCodesRemaining,
    };
  }

  /**
   * One judged attempt under the back-off (the enrollment's confirmation): the
   * failure is counted before `judge` runs, and cleared when it succeeds.
   */
  private async attempt(userId: string, judge: () => Promise<boolean>): Promise<void> {
    const now = this.now();
    const grant = await this.io(() => this.store.beginAttempt(userId, now, LOCK_SCHEDULE));
    if (!grant.allowed) throw tooManyAttempts(grant.lockedUntil, now);
    const refused = grant.failures - 1 >= TOTP_FAILURE_LIMIT;
    if (!refused && (await judge())) {
      await this.io(() => this.store.clearAttempts(userId));
      return;
    }
    const result = {
      outcome: refused ? ('refused' as const) : ('invalid' as const),
      failures: grant.failures,
    };
    for (const event of this.attemptEvents(userId, 'totp', result, now)) {
      await this.record({ ...event });
    }
    throw this.refusal('totp', result.outcome, result.failures);
  }

  /** Throws `too_many_attempts` while the user is locked at `now`. */
  private async refuseIfLocked(userId: string, now: Date): Promise<void> {
    const { lockedUntil } = await this.io(() => this.store.getAttempts(userId));
    if (lockedUntil && lockedUntil.getTime() > now.getTime()) throw tooManyAttempts(lockedUntil, now);
  }

  /**
   * The factor's secret. When no configured key opens it for this user (sealed under a
   * key since removed, tampered with, or moved from another user's row), `unavailable`,
   * reported: nothing is judged or counted. Such a factor shows in `rotateKeys`' report
   * as unreadable; its user verifies with a recovery code or is reset.
   */
  private async openFactor(userId: string, sealed: string) {
    try {
      return await this.box.open(sealed, userId);
    } catch (error) {
      throw this.fail(error, 'open the sealed factor secret');
    }
  }

  /**
   * Ends one verified session (the host's sign-out): at once on this instance, on others
   * within `policyCacheTtl`.
   */
  async endSession(userId: string, sessionId: string): Promise<void> {
    await this.changeUser(userId, () => this.store.endSession(userId, sessionId));
  }

  /** Writes since the last prune. */
  private writesSincePrune = 0;

  /**
   * Every `PRUNE_EVERY` writes of this instance, removes at most `PRUNE_LIMIT` expired rows
   * of each kind (pending setups, verified sessions past `sessionMaxAge`, failure counts idle
   * for `ATTEMPTS_IDLE_MS`): bounded work, spread over the writes. A failure here fails
   * nothing: it is reported, and the next round tries again.
   */
  private async pruneAsWritesGo(): Promise<void> {
    if (++this.writesSincePrune < PRUNE_EVERY) return;
    this.writesSincePrune = 0;
    const now = this.now();
    try {
      await this.io(() =>
        this.store.pruneExpired({
          now,
          sessionsBefore: new Date(now.getTime() - this.sessionMaxAge * 1000),
          attemptsBefore: new Date(now.getTime() - ATTEMPTS_IDLE_MS),
          keepFailures: TOTP_FAILURE_LIMIT,
          limit: PRUNE_LIMIT,
        }),
      );
    } catch {
      // Reported by `io`; the rows wait for the next round.
    }
  }

  /** Whether any of the user's unused recovery codes was hashed under a key older than the newest. */
  async recoveryCodesOutdated(userId: string): Promise<boolean> {
    const [keyId, keys] = await Promise.all([
      this.box.currentKeyId(),
      this.io(() => this.store.recoveryCodeKeys(userId)),
    ]);
    return keys.some((key) => key !== keyId);
  }

  /**
   * Re-seals every factor secret that an older key sealed under the newest key,
   * and says what still depends on older keys (see `Mfa.rotateKeys`).
   */
  async rotateKeys(): Promise<KeyRotationReport> {
    const keyId = await this.box.currentKeyId();
    let factorsResealed = 0;
    let factorsUnreadable = 0;
    const page = 500;
    for (let after: string | null = null; ; ) {
      const factors = await this.io(() => this.store.listFactorSecrets(after, page));
      for (const { userId, secret } of factors) {
        if (SecretBox.isCurrent(secret, keyId)) continue;
        let plaintext: string;
        try {
          plaintext = (await this.box.open(secret, userId)).plaintext;
        } catch {
          factorsUnreadable++;
          continue;
        }
        const sealed = await this.box.seal(plaintext, userId);
        if (await this.io(() => this.store.updateFactorSecret(userId, sealed, secret))) factorsResealed++;
      }
      if (factors.length < page) break;
      after = factors[factors.length - 1]?.userId ?? null;
    }
    const codes = await this.io(() => this.store.countRecoveryCodeUsersByKey());
    let recoveryCodesUnderOlderKeys = 0;
    for (const [key, users] of codes) if (key !== keyId) recoveryCodesUnderOlderKeys += users;
    return {
      keyId,
      factorsResealed,
      factorsUnreadable,
      recoveryCodesUnderOlderKeys,
      olderKeysInUse: recoveryCodesUnderOlderKeys > 0,
    };
  }

  /** Records a failed attempt and throws `invalid_code` with what the user may do next. */
  /** The audit events an attempt's result calls for (none for a lock or a TOTP success). */
  private attemptEvents(
    userId: string,
    kind: 'totp' | 'recovery',
    result: AttemptResult,
    at: Date,
  ): AuditEventInput[] {
    const event = (type: AuditEventInput['type'], before: unknown, after: unknown): AuditEventInput => ({
      type,
      actorId: userId,
      userId,
      accountId: null,
      before,
      after,
      at,
    });
    if (result.outcome === 'locked') return [];
    if (result.outcome === 'verified') {
      const remaining = result.recoveryCodesRemaining;
      return kind === 'recovery'
        ? [event('recovery_code.used', { remaining: remaining + 1 }, { remaining })]
        : [];
    }
    const { failures } = result;
    const lockMs = lockDurationMs(failures, LOCK_SCHEDULE);
    const type = result.outcome === 'replayed' ? 'challenge.replayed' : 'challenge.failed';
    return [
      event(type, null, { failures, kind }),
      ...(lockMs > 0 ? [event('challenge.locked', null, { failures, lockedForSeconds: lockMs / 1000 })] : []),
    ];
  }

  /** `invalid_code`, with what the user may do next. */
  private refusal(kind: 'totp' | 'recovery', outcome: 'invalid' | 'replayed' | 'refused', failures: number) {
    const lockMs = lockDurationMs(failures, LOCK_SCHEDULE);
    const refused = outcome === 'refused';
    const extra = {
      attemptsLeft: Math.max(0, LOCK_SCHEDULE.threshold - failures),
      ...(lockMs > 0 ? { retryAfterSeconds: lockMs / 1000 } : {}),
      ...(refused || (kind === 'totp' && failures >= TOTP_FAILURE_LIMIT)
        ? { recoveryCodeRequired: true }
        : {}),
    };
    return MfaError.of(
      'invalid_code',
      extra,
      refused ? 'Too many failed attempts: verify with a recovery code.' : undefined,
    );
  }
}
