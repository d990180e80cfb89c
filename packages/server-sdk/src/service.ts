import { decideAccess, isVerified } from './access/decide.ts';
import { checkSecrets, SecretBox } from './crypto/secret-box.ts';
import {
  generateRecoveryCodes,
  looksLikeRecoveryCode,
  normalizeRecoveryCode,
} from './factors/recovery-codes.ts';
import { checkTotp, generateTotpSecret, qrSvg, totpUri } from './factors/totp.ts';
import { MfaError } from './http/errors.ts';
import {
  type AccessDecision,
  type AuditEventInput,
  defaultPolicy,
  graceDeadline,
  type Membership,
  type MembershipListing,
  type PolicyMode,
  type PolicyRecord,
  type Principal,
  policyRequires,
} from './model.ts';
import type { MfaOptions } from './options.ts';
import { type LockSchedule, lockDurationMs, type MfaStore } from './store/store.ts';

/** Consecutive failures before the back-off starts, its first lock, its cap (DESIGN: security rules). */
export const LOCK_SCHEDULE: LockSchedule = { threshold: 5, baseMs: 30_000, capMs: 3_600_000 };
/** After this many consecutive failures TOTP codes are refused until a recovery code is used. */
export const TOTP_FAILURE_LIMIT = 100;
/** A sensitive call needs a verification this recent (seconds). */
export const STEP_UP_MAX_AGE = 15 * 60;
/** How long a pending TOTP secret waits for its confirmation. */
export const PENDING_SETUP_TTL_MS = 10 * 60_000;
/** A forfeited grace period starts this far back, so it has ended under any policy (max 90 days). */
const FORFEIT_MS = 91 * 86_400_000;

export interface PolicyChange {
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  version?: number | undefined;
}

/** Runs a store call or host hook, turning a throw or a hang into `unavailable`. */
export type Guarded = <T>(work: () => T | Promise<T>) => Promise<T>;

function guarded(timeoutMs: number): Guarded {
  return async (work) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        Promise.resolve().then(work),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      if (error instanceof MfaError) throw error;
      throw MfaError.of('unavailable', { details: undefined });
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The rules of mfakit, independent of HTTP: policy, access, factors, throttle
 * and audit. Routes and the guard call it; it calls the store and the host's
 * hooks, each through `io` so that a failure or a hang becomes `unavailable`.
 */
export class MfaService {
  readonly store: MfaStore;
  readonly box: SecretBox;
  readonly now: () => Date;
  readonly sessionMaxAge: number;
  readonly io: Guarded;
  private readonly policyCacheMs: number;
  private readonly policyCache = new Map<string, { policy: PolicyRecord; expires: number }>();

  constructor(readonly options: MfaOptions) {
    this.store = options.store;
    this.box = new SecretBox(checkSecrets(options.secret));
    this.now = options.now ?? (() => new Date());
    this.sessionMaxAge = options.sessionMaxAge ?? 12 * 3600;
    this.policyCacheMs = (options.policyCacheTtl ?? 5) * 1000;
    this.io = guarded(options.timeoutMs ?? 5000);
  }

  // ── hooks ────────────────────────────────────────────────────────────────

  membership(userId: string, accountId: string): Promise<Membership | null> {
    return this.io(() => this.options.getMembership(userId, accountId));
  }

  memberships(userId: string): Promise<MembershipListing[]> {
    return this.io(() => this.options.listMemberships(userId));
  }

  members(accountId: string) {
    return this.io(() => this.options.listMembers(accountId));
  }

  sso(accountId: string) {
    const getSso = this.options.getSso;
    return getSso ? this.io(() => getSso(accountId)) : Promise.resolve(null);
  }

  // ── audit ────────────────────────────────────────────────────────────────

  async record(event: Omit<AuditEventInput, 'at'>): Promise<void> {
    const stored = await this.io(() => this.store.appendAudit({ ...event, at: this.now() }));
    try {
      await this.options.onEvent?.(stored);
    } catch (error) {
      console.error('mfakit: onEvent threw', error);
    }
  }

  // ── policy ───────────────────────────────────────────────────────────────

  /** The account's policy, from this instance's cache when it is fresh enough. */
  async policy(accountId: string): Promise<PolicyRecord> {
    const cached = this.policyCache.get(accountId);
    const nowMs = Date.now();
    if (cached && cached.expires > nowMs) return cached.policy;
    const policy = (await this.io(() => this.store.getPolicy(accountId))) ?? defaultPolicy(accountId);
    this.cachePolicy(policy, nowMs);
    return policy;
  }

  private cachePolicy(policy: PolicyRecord, nowMs = Date.now()) {
    if (this.policyCacheMs <= 0) return;
    if (this.policyCache.size > 10_000) this.policyCache.clear();
    this.policyCache.set(policy.accountId, { policy, expires: nowMs + this.policyCacheMs });
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
      if (await this.io(() => this.store.putPolicy(next, current.version))) {
        this.cachePolicy(next);
        const summary = ({ mode, gracePeriodDays, enforceAfterSso }: PolicyRecord) => ({
          mode,
          gracePeriodDays,
          enforceAfterSso,
        });
        await this.record({
          type: 'policy.updated',
          actorId,
          userId: null,
          accountId,
          before: summary(current),
          after: summary(next),
        });
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
    try {
      return await this.decide(principal, accountId, known);
    } catch (error) {
      if (error instanceof MfaError && error.code === 'unavailable')
        return { allow: false, reason: 'unavailable' };
      throw error;
    }
  }

  private async decide(
    principal: Principal,
    accountId: string,
    known?: Membership | null,
  ): Promise<AccessDecision> {
    const now = this.now();
    const [membership, sso, policy, factor, session] = await Promise.all([
      known === undefined ? this.membership(principal.userId, accountId) : known,
      this.sso(accountId),
      this.policy(accountId),
      this.io(() => this.store.getFactor(principal.userId)),
      this.io(() => this.store.getSession(principal.sessionId)),
    ]);
    const facts = {
      accountId,
      principal,
      membership,
      sso,
      policy,
      enrolled: factor !== null,
      verifiedAt: session && session.userId === principal.userId ? session.verifiedAt : null,
      graceStartedAt: null as Date | null,
      now,
      sessionMaxAge: this.sessionMaxAge,
    };
    const first = decideAccess(facts);
    if (first.reason !== 'grace_period' && first.reason !== 'enrollment_required') return first;
    // The grace period starts the first time the user is evaluated under a requiring policy.
    facts.graceStartedAt = await this.io(() => this.store.startGrace(accountId, principal.userId, now));
    return decideAccess(facts);
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
          'Set up multi-factor authentication and verify before requiring it of others.',
        );
      }
      return;
    }
    const session = await this.io(() => this.store.getSession(principal.sessionId));
    const maxAge = Math.min(STEP_UP_MAX_AGE, this.sessionMaxAge);
    const verifiedAt = session && session.userId === principal.userId ? session.verifiedAt : null;
    if (!isVerified(verifiedAt, this.now(), maxAge)) throw MfaError.of('step_up_required');
  }

  async sessionState(principal: Principal) {
    const session = await this.io(() => this.store.getSession(principal.sessionId));
    const verifiedAt = session && session.userId === principal.userId ? session.verifiedAt : null;
    return { verified: isVerified(verifiedAt, this.now(), this.sessionMaxAge), verifiedAt };
  }

  // ── enrollment ───────────────────────────────────────────────────────────

  async setupTotp(principal: Principal) {
    const secret = generateTotpSecret();
    const expiresAt = new Date(this.now().getTime() + PENDING_SETUP_TTL_MS);
    const sealed = await this.box.seal(secret);
    await this.io(() => this.store.putPendingTotp({ userId: principal.userId, secret: sealed, expiresAt }));
    const otpauthUri = totpUri(this.options.issuer, principal.email ?? principal.userId, secret);
    return { otpauthUri, qrSvg: await qrSvg(otpauthUri), secret, expiresAt };
  }

  async confirmTotp(principal: Principal, code: string): Promise<string[]> {
    const { userId } = principal;
    const pending = await this.io(() => this.store.getPendingTotp(userId));
    if (!pending) throw MfaError.of('not_enrolled', {}, 'Start the setup first.');
    if (pending.expiresAt <= this.now())
      throw MfaError.of('not_enrolled', {}, 'The setup expired. Start again.');
    const secret = (await this.box.open(pending.secret)).plaintext;
    let step = 0;
    await this.attempt(userId, 'totp', async () => {
      const check = await checkTotp(secret, code, this.now(), null);
      if (!check.valid) return 'invalid';
      step = check.timeStep;
      return 'ok';
    });
    const before = await this.io(() => this.store.getFactor(userId));
    const codes = generateRecoveryCodes();
    const hashes = await this.hashRecoveryCodes(codes);
    const factor = { userId, secret: pending.secret, lastUsedStep: step, createdAt: this.now() };
    const activated = await this.io(() => this.store.activateTotp(factor, pending.secret, hashes));
    if (!activated) throw MfaError.of('not_enrolled', {}, 'The setup was replaced. Start again.');
    await this.io(() =>
      this.store.markSessionVerified({ sessionId: principal.sessionId, userId, verifiedAt: this.now() }),
    );
    await this.record({
      type: 'mfa.enrolled',
      actorId: userId,
      userId,
      accountId: null,
      before: { enrolled: before !== null },
      after: { enrolled: true, factor: 'totp' },
    });
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
    await this.io(() => this.store.deleteFactor(userId));
    await this.io(() => this.store.clearAttempts(userId));
    await this.record({
      type: 'mfa.removed',
      actorId: userId,
      userId,
      accountId: null,
      before: { enrolled: true },
      after: { enrolled: false },
    });
  }

  async regenerateRecoveryCodes(principal: Principal): Promise<string[]> {
    const { userId } = principal;
    if (!(await this.io(() => this.store.getFactor(userId)))) throw MfaError.of('not_enrolled');
    const before = await this.io(() => this.store.countRecoveryCodes(userId));
    const codes = generateRecoveryCodes();
    const hashes = await this.hashRecoveryCodes(codes);
    await this.io(() => this.store.replaceRecoveryCodes(userId, hashes));
    await this.record({
      type: 'recovery_codes.regenerated',
      actorId: userId,
      userId,
      accountId: null,
      before: { remaining: before },
      after: { remaining: codes.length },
    });
    return codes;
  }

  /**
   * Removes a user's MFA for the host's support staff or an account admin: the
   * factor, recovery codes, failed attempts and verified sessions go, and the user
   * gets no new grace period in any of their accounts.
   */
  async resetUser(userId: string, actorId: string | null, accountId: string | null): Promise<boolean> {
    const existed = await this.io(() => this.store.deleteFactor(userId));
    await this.io(() => this.store.clearAttempts(userId));
    // Where a policy requires MFA of the user now, the reset starts no new grace period;
    // accounts that require it only later give the user their days like everyone else.
    const accounts: string[] = [];
    for (const m of await this.memberships(userId)) {
      if (policyRequires((await this.policy(m.accountId)).mode, m.role)) accounts.push(m.accountId);
    }
    const forfeitAt = new Date(this.now().getTime() - FORFEIT_MS);
    await this.io(() => this.store.forfeitGrace(userId, accounts, forfeitAt));
    await this.record({
      type: 'mfa.reset',
      actorId,
      userId,
      accountId,
      before: { enrolled: existed },
      after: { enrolled: false },
    });
    return existed;
  }

  /** Keyed hashes of fresh codes, in the canonical form `challenge` hashes what the user types. */
  private hashRecoveryCodes(codes: readonly string[]): Promise<string[]> {
    return Promise.all(codes.map((c) => this.box.hash(normalizeRecoveryCode(c))));
  }

  // ── verification ─────────────────────────────────────────────────────────

  async challenge(principal: Principal, input: { code: string } | { recoveryCode: string }) {
    const { userId } = principal;
    const factor = await this.io(() => this.store.getFactor(userId));
    if (!factor) throw MfaError.of('not_enrolled');
    if ('code' in input) {
      const opened = await this.box.open(factor.secret);
      await this.attempt(userId, 'totp', async () => {
        const check = await checkTotp(opened.plaintext, input.code, this.now(), factor.lastUsedStep);
        if (!check.valid) return check.replayed ? 'replayed' : 'invalid';
        // Two requests with the same code may both pass the check; the store lets one consume the step.
        return (await this.io(() => this.store.consumeTimeStep(userId, check.timeStep))) ? 'ok' : 'replayed';
      });
      if (opened.stale) {
        const resealed = await this.box.seal(opened.plaintext);
        await this.io(() => this.store.updateFactorSecret(userId, resealed));
      }
    } else {
      const normalized = normalizeRecoveryCode(input.recoveryCode);
      await this.attempt(userId, 'recovery', async () => {
        if (!looksLikeRecoveryCode(normalized)) return 'invalid';
        const hashes = await this.box.hashes(normalized);
        return (await this.io(() => this.store.consumeRecoveryCode(userId, hashes, this.now())))
          ? 'ok'
          : 'invalid';
      });
    }
    const verifiedAt = this.now();
    await this.io(() =>
      this.store.markSessionVerified({ sessionId: principal.sessionId, userId, verifiedAt }),
    );
    const recoveryCodesRemaining = await this.io(() => this.store.countRecoveryCodes(userId));
    if ('recoveryCode' in input) {
      await this.record({
        type: 'recovery_code.used',
        actorId: userId,
        userId,
        accountId: null,
        before: { remaining: recoveryCodesRemaining + 1 },
        after: { remaining: recoveryCodesRemaining },
      });
    }
    return { verified: true as const, verifiedAt, recoveryCodesRemaining };
  }

  /**
   * One judged attempt under the back-off: the failure is counted before `judge`
   * runs, and cleared when it succeeds. Throws `too_many_attempts` while locked and
   * `invalid_code` when the judge says no.
   */
  private async attempt(
    userId: string,
    kind: 'totp' | 'recovery',
    judge: () => Promise<'ok' | 'invalid' | 'replayed'>,
  ): Promise<void> {
    const now = this.now();
    const grant = await this.io(() => this.store.beginAttempt(userId, now, LOCK_SCHEDULE));
    if (!grant.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil((grant.lockedUntil.getTime() - now.getTime()) / 1000));
      throw MfaError.of('too_many_attempts', { retryAfterSeconds });
    }
    const priorFailures = grant.failures - 1;
    const refused = kind === 'totp' && priorFailures >= TOTP_FAILURE_LIMIT;
    const verdict = refused ? 'invalid' : await judge();
    if (verdict === 'ok') {
      await this.io(() => this.store.clearAttempts(userId));
      return;
    }
    const lockMs = lockDurationMs(grant.failures, LOCK_SCHEDULE);
    await this.record({
      type: verdict === 'replayed' ? 'challenge.replayed' : 'challenge.failed',
      actorId: userId,
      userId,
      accountId: null,
      before: null,
      after: { failures: grant.failures, kind },
    });
    if (lockMs > 0) {
      await this.record({
        type: 'challenge.locked',
        actorId: userId,
        userId,
        accountId: null,
        before: null,
        after: { failures: grant.failures, lockedForSeconds: lockMs / 1000 },
      });
    }
    const attemptsLeft = Math.max(0, LOCK_SCHEDULE.threshold - grant.failures);
    const extra = {
      attemptsLeft,
      ...(lockMs > 0 ? { retryAfterSeconds: lockMs / 1000 } : {}),
      ...(refused || (kind === 'totp' && grant.failures >= TOTP_FAILURE_LIMIT)
        ? { recoveryCodeRequired: true }
        : {}),
    };
    throw MfaError.of(
      'invalid_code',
      extra,
      refused ? 'Too many failed attempts: verify with a recovery code.' : undefined,
    );
  }
}
