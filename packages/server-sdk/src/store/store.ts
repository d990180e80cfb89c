import type {
  AttemptState,
  AuditEvent,
  AuditEventInput,
  Enrollment,
  FactorMethod,
  GraceRecord,
  PendingTotpRecord,
  PolicyRecord,
  RememberedDeviceRecord,
  SessionRecord,
  TotpFactorRecord,
  VerificationMethod,
  WebAuthnChallengeRecord,
  WebAuthnCredentialRecord,
} from '../model.ts';

/** The back-off schedule the store applies when it counts a failure. */
export interface LockSchedule {
  /** Failures after which every further failure locks the user (5). */
  threshold: number;
  /** Lock after the `threshold`-th failure, in ms; doubles with each failure after it (30 000). */
  baseMs: number;
  /** The longest lock, in ms (3 600 000). */
  capMs: number;
}

/** Lock length after `failures` consecutive failures (0 below the threshold). */
export function lockDurationMs(failures: number, schedule: LockSchedule): number {
  if (failures < schedule.threshold) return 0;
  const exponent = failures - schedule.threshold;
  // 2^exponent overflows nothing here: past ~20 doublings every schedule is at its cap.
  return exponent > 30 ? schedule.capMs : Math.min(schedule.capMs, schedule.baseMs * 2 ** exponent);
}

/** What a challenge offers, already checked against what the caller could check alone. */
export type AttemptProof =
  /**
   * A TOTP code and the time step it matched (`null`: it matched none of the steps tried),
   * judged against `secret`, the factor's sealed secret as read: the step is consumed only
   * while the factor still holds that secret (a factor replaced meanwhile is another factor).
   */
  | { kind: 'totp'; step: number | null; failureLimit: number; secret: string }
  /**
   * A code confirming a pending setup, judged by the caller (`valid`): nothing is consumed
   * (the setup's activation is), and no session is marked verified (the activation marks it).
   */
  | { kind: 'setup'; valid: boolean; failureLimit: number }
  /** A recovery code as its keyed hashes under every configured key (none: not shaped like a code). */
  | { kind: 'recovery'; hashes: readonly string[] }
  /**
   * A WebAuthn assertion, judged by the caller against the credential as read: `invalid` (a bad
   * signature, origin, rpId, or a credential that is not the user's), `counter_regressed` (a
   * signature counter at or below the stored one, when either is not 0: a cloned authenticator
   * or a replay, refused as `replayed`), or `valid`. A valid one is consumed by moving the
   * credential's counter from `expectedCounter` (as read) to `counter`, so of two assertions
   * judged on the same read only one verifies.
   */
  | {
      kind: 'webauthn';
      verdict: 'valid' | 'invalid' | 'counter_regressed';
      credentialId: string;
      expectedCounter: number;
      counter: number;
      backedUp: boolean;
    };

/** The method a session verified with this proof is verified with (a setup marks no session). */
export function verificationMethodOf(proof: AttemptProof): VerificationMethod {
  return proof.kind === 'setup' ? 'totp' : proof.kind;
}

/** What `addWebAuthnCredential` did. */
export type AddCredentialResult =
  /** Added; `recoveryCodesIssued`: it was the user's first factor, so the codes given were stored. */
  | { added: true; recoveryCodesIssued: boolean }
  /**
   * Not added: the user has `limit` credentials already, the credential id is registered
   * already, or the registration's ceremony is no longer open (`ceremony_gone`: answered
   * already, or discarded by a trust change since it began).
   */
  | { added: false; reason: 'too_many' | 'duplicate' | 'ceremony_gone' };

/**
 * What a factor's removal must leave the user: at least one factor of these methods (the
 * factors that every account requiring MFA of the user, and satisfied now, accepts).
 * Decided inside the removal's atomic write, so that two removals at once cannot both pass.
 */
export type MustKeep = readonly FactorMethod[];

/** Whether a user holding `methods` keeps a factor `mustKeep` asks for (none asked: always). */
export function keepsFactor(methods: readonly FactorMethod[], mustKeep: MustKeep | undefined): boolean {
  return mustKeep === undefined || methods.some((method) => mustKeep.includes(method));
}

export interface AttemptInput {
  userId: string;
  /** The session marked verified, at `now`, when the proof holds. */
  sessionId: string;
  now: Date;
  schedule: LockSchedule;
  proof: AttemptProof;
  /**
   * The audit events the result calls for, appended in the same transaction as the
   * change they record (so a failure between them cannot keep one without the other).
   */
  audit?: (result: AttemptResult) => AuditEventInput[];
}

/**
 * How an attempt was settled:
 * - `locked`: the user was locked at `now`; nothing was judged or changed;
 * - `verified`: the proof held and was consumed, the failures cleared, the session marked;
 * - `invalid`: wrong code; `replayed`: a TOTP step at or before the last one used;
 *   `refused`: a TOTP code after `failureLimit` consecutive failures, judged as wrong whatever
 *   it was. Each counts a failure (`failures`, the new count) and sets the lock it earns.
 */
export type AttemptResult =
  | { outcome: 'locked'; lockedUntil: Date }
  | { outcome: 'verified'; recoveryCodesRemaining: number }
  | { outcome: 'invalid' | 'replayed' | 'refused'; failures: number };

/** `settle`'s verdict; a failure carries the failures and lock to store. */
export type Settlement =
  | { outcome: 'locked'; lockedUntil: Date }
  | { outcome: 'verified' }
  | { outcome: 'invalid' | 'replayed' | 'refused'; failures: number; lockedUntil: Date | null };

/**
 * The rules of `settleAttempt`, for a store to run inside its transaction: given the
 * user's failures and lock as they stand, and `consume`, which consumes the proof
 * and says whether it held. Shared by the stores so that they judge alike.
 */
export function settle(input: AttemptInput, state: AttemptState, consume: () => boolean): Settlement;
export function settle(
  input: AttemptInput,
  state: AttemptState,
  consume: () => Promise<boolean>,
): Promise<Settlement>;
export function settle(
  input: AttemptInput,
  state: AttemptState,
  consume: () => boolean | Promise<boolean>,
): Settlement | Promise<Settlement> {
  const { now, schedule, proof } = input;
  if (state.lockedUntil && state.lockedUntil.getTime() > now.getTime()) {
    return { outcome: 'locked', lockedUntil: state.lockedUntil };
  }
  const fail = (outcome: 'invalid' | 'replayed' | 'refused'): Settlement => {
    const failures = state.failures + 1;
    const lockMs = lockDurationMs(failures, schedule);
    return { outcome, failures, lockedUntil: lockMs > 0 ? new Date(now.getTime() + lockMs) : null };
  };
  // App codes (and a setup's) can be guessed: past the limit only a recovery code verifies.
  // A WebAuthn assertion cannot be guessed, and is not refused by the limit.
  if ((proof.kind === 'totp' || proof.kind === 'setup') && state.failures >= proof.failureLimit) {
    return fail('refused');
  }
  const judgedWrong =
    proof.kind === 'totp'
      ? proof.step === null
      : proof.kind === 'setup'
        ? !proof.valid
        : proof.kind === 'webauthn'
          ? proof.verdict === 'invalid'
          : proof.hashes.length === 0;
  if (judgedWrong) return fail('invalid');
  if (proof.kind === 'webauthn' && proof.verdict === 'counter_regressed') return fail('replayed');
  if (proof.kind === 'setup') return { outcome: 'verified' };
  const judge = (held: boolean): Settlement =>
    held ? { outcome: 'verified' } : fail(proof.kind === 'recovery' ? 'invalid' : 'replayed');
  const held = consume();
  return typeof held === 'boolean' ? judge(held) : held.then(judge);
}

/**
 * Audit events to append in the same transaction as the change they record, so
 * that a failure cannot keep one without the other. They are appended only when
 * the change is made (a `putPolicy` or `activateTotp` that returns false appends
 * nothing); `stored` then receives them with their ids.
 */
export interface AuditWrite {
  /** The events, or a function of the method's result that gives them (a reset says whether MFA existed). */
  events: readonly AuditEventInput[] | ((result: unknown) => readonly AuditEventInput[]);
  stored(events: AuditEvent[]): void;
}

/** The events of an `AuditWrite` for the result of its change. */
export function auditEvents(write: AuditWrite | undefined, result: unknown): readonly AuditEventInput[] {
  if (!write) return [];
  return typeof write.events === 'function' ? write.events(result) : write.events;
}

export interface PruneInput {
  /** Pending setups, WebAuthn challenges and remembered devices that expired before it go. */
  now: Date;
  sessionsBefore: Date;
  attemptsBefore: Date;
  keepFailures: number;
  limit: number;
}

export interface AuditQuery {
  accountId: string;
  /** Users whose own MFA events (those with no account) belong to the answer. */
  userIds: string[];
  /** Only events older than this id (the cursor). */
  beforeId?: string;
  limit: number;
}

/**
 * Where mfakit keeps its state. An object of async methods: core code reaches
 * storage only through it. Times are `Date`s; implementations store them as
 * epoch milliseconds.
 *
 * Atomic guarantees (each implementation proves them in the conformance suite,
 * `runStoreConformance`, and across processes where the store is shared):
 * - `putPolicy` writes only when the stored version equals `expectedVersion`;
 *   of concurrent writers with the same expectation exactly one succeeds.
 * - `settleAttempt` judges concurrent attempts of one user one after another, each
 *   on the count the previous ones left: no more are judged than the schedule
 *   allows, and a proof is consumed by exactly one of them (a TOTP step never at
 *   or before the last one consumed, a recovery code once).
 * - `putPolicy`, `activateTotp`, `replaceRecoveryCodes`, `deleteFactor`, `deleteTotp`,
 *   `addWebAuthnCredential`, `renameWebAuthnCredential`, `deleteWebAuthnCredential` and
 *   `settleAttempt` append the audit events they are given together with their
 *   change, or neither.
 * - `activateTotp`, `replaceRecoveryCodes`, `deleteFactor`, `deleteTotp`,
 *   `addWebAuthnCredential` and `deleteWebAuthnCredential` change all they touch or
 *   nothing (the sessions they end and the remembered devices they forget included).
 * - `rememberDevice` and `forgetRememberedDevices` append their audit events with their
 *   change, or neither; `useRememberedDevice` marks the session only while the device
 *   exists, in one transaction.
 * - `addWebAuthnCredential` never leaves a user with more than `limit` credentials,
 *   however many add at once, and a credential id belongs to one user only; given its
 *   ceremony, it adds only while that registration is open, and takes it (of concurrent
 *   finishes of one registration, at most one adds).
 * - Every trust change (`activateTotp`, `addWebAuthnCredential`, `deleteFactor`,
 *   `deleteTotp`, `deleteWebAuthnCredential`, `replaceRecoveryCodes`, `endSession`)
 *   discards the user's pending app setup and open WebAuthn registrations in its
 *   transaction: a ceremony begun before it cannot finish after it.
 * - `deleteTotp` and `deleteWebAuthnCredential` given `mustKeep` remove nothing when the user
 *   would be left without such a factor, judged inside their write: of two removals at once
 *   that each leave the other's factor, at most one removes.
 * - `rememberDevice` given a session writes the device only while that session is still
 *   verified as it was (a trust change that ended it meanwhile leaves no device behind).
 * - `putWebAuthnChallenge` leaves at most `MAX_OPEN_CEREMONIES` open ceremonies per user,
 *   discarding the oldest.
 * - `takeWebAuthnChallenge` answers a challenge to exactly one of any number of
 *   concurrent callers (of any instance sharing the store).
 * - `webAuthnUserHandle` keeps the first handle of concurrent callers.
 * - `startGrace` keeps the first start of concurrent callers.
 * - `putMeta` writes only when the stored value equals `expected`; of concurrent
 *   writers with the same expectation exactly one succeeds.
 * - `factsVersion` changes in the same transaction as the write that changes the facts it
 *   versions: a reader that reads the version and then the facts never keeps facts older
 *   than the version it read.
 */
export interface MfaStore {
  /** Creates tables or whatever the store needs; idempotent, called before first use. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getPolicy(accountId: string): Promise<PolicyRecord | null>;
  /** Writes `policy` (whose `version` is `expectedVersion + 1`) if the stored version is `expectedVersion` (0: none stored). */
  putPolicy(policy: PolicyRecord, expectedVersion: number, audit?: AuditWrite): Promise<boolean>;

  getFactor(userId: string): Promise<TotpFactorRecord | null>;
  /**
   * What a challenge reads first, in one read: the user's active factor and until when
   * the user is locked (`null`: not locked, or no failures); `null` without a factor.
   */
  getChallengeState(userId: string): Promise<{ factor: TotpFactorRecord; lockedUntil: Date | null } | null>;
  /**
   * Which factors each of these users has (an app, WebAuthn credentials) and since when
   * (their oldest factor); absent: none. Reads no secret.
   */
  getEnrollments(userIds: readonly string[]): Promise<Map<string, Enrollment>>;
  /**
   * Replaces the secret of an active factor (re-encryption under a newer key) if
   * it is still `expected`: a factor replaced meanwhile (a new enrollment) stays.
   * True when it wrote.
   */
  updateFactorSecret(userId: string, secret: string, expected: string): Promise<boolean>;
  /** Active factors' sealed secrets, by user id, the first `limit` after `after` (`null`: from the start). */
  listFactorSecrets(after: string | null, limit: number): Promise<{ userId: string; secret: string }[]>;

  putPendingTotp(pending: PendingTotpRecord): Promise<void>;
  getPendingTotp(userId: string): Promise<PendingTotpRecord | null>;
  /**
   * Makes the user's pending secret their factor: replaces any factor, sets the
   * recovery codes (`null`: keeps the user's codes as they are), removes the pending secret
   * and marks `session` verified, if given. When it replaces an app, it also ends every
   * verified session of the user (a session verified with a replaced factor is not verified
   * with this one) and forgets the user's remembered devices; a first app (a factor added)
   * keeps them. Returns false (and changes nothing)
   * when the pending secret is no longer the one given.
   */
  activateTotp(
    factor: TotpFactorRecord,
    pendingSecret: string,
    recoveryCodeHashes: readonly string[] | null,
    audit?: AuditWrite,
    session?: SessionRecord,
  ): Promise<boolean>;
  /**
   * Removes all of the user's MFA (a reset): app, pending secret, WebAuthn credentials,
   * recovery codes, failed attempts, verified sessions and remembered devices, all or nothing. True when
   * an app or a credential existed.
   */
  deleteFactor(userId: string, audit?: AuditWrite): Promise<boolean>;
  /**
   * Removes the user's app and pending secret, forgets the user's remembered devices and
   * ends every verified session of the user but `keepSessionId`; when no WebAuthn credential remains, the recovery codes
   * and failed attempts go too (the user has no MFA left). All or nothing; true when
   * an app existed (nothing is changed or audited otherwise).
   */
  deleteTotp(
    userId: string,
    audit?: AuditWrite,
    keepSessionId?: string,
    mustKeep?: MustKeep,
  ): Promise<boolean>;

  /**
   * The user's WebAuthn user handle: the stored one, else `candidate` stored (of
   * concurrent callers, the first one's stays).
   */
  webAuthnUserHandle(userId: string, candidate: string): Promise<string>;
  /** The user's WebAuthn credentials, oldest first. */
  listWebAuthnCredentials(userId: string): Promise<WebAuthnCredentialRecord[]>;
  /** One of the user's credentials; another user's credential of that id is `null`. */
  getWebAuthnCredential(userId: string, credentialId: string): Promise<WebAuthnCredentialRecord | null>;
  /**
   * Adds a credential unless the user has `limit` already or its id is registered
   * (to anyone). The user's handle exists already (`webAuthnUserHandle`, made with the
   * registration's options): the SQL stores count concurrent additions under its row. When it is the user's first factor (no app, no credential),
   * `recoveryCodeHashes` become their recovery codes. Marks `session` verified; the user's
   * other sessions and remembered devices stay (adding a factor is no loss of trust). All or
   * nothing, audited with it.
   */
  addWebAuthnCredential(
    credential: WebAuthnCredentialRecord,
    options: {
      limit: number;
      recoveryCodeHashes: readonly string[];
      session: SessionRecord;
      /** The registration's open challenge (of `session`), taken with the addition. */
      challenge?: string;
    },
    audit?: AuditWrite,
  ): Promise<AddCredentialResult>;
  /** Renames one of the user's credentials; false (nothing audited) when the user has none of that id. */
  renameWebAuthnCredential(
    userId: string,
    credentialId: string,
    name: string,
    audit?: AuditWrite,
  ): Promise<boolean>;
  /**
   * Removes one of the user's credentials, forgets the user's remembered devices and ends
   * every verified session of the user but `keepSessionId`; when it was the user's last factor, the recovery codes and
   * failed attempts go too. All or nothing; false (nothing changed) without it.
   */
  deleteWebAuthnCredential(
    userId: string,
    credentialId: string,
    audit?: AuditWrite,
    keepSessionId?: string,
    mustKeep?: MustKeep,
  ): Promise<boolean>;
  /**
   * Stores a ceremony's challenge; the user's oldest open ceremonies beyond
   * `MAX_OPEN_CEREMONIES` are discarded.
   */
  putWebAuthnChallenge(challenge: WebAuthnChallengeRecord): Promise<void>;
  /** The challenge, if it was given to this user's session for this ceremony (not taken). */
  findWebAuthnChallenge(
    userId: string,
    sessionId: string,
    challenge: string,
    ceremony: WebAuthnChallengeRecord['ceremony'],
  ): Promise<WebAuthnChallengeRecord | null>;
  /**
   * Takes (removes and answers) the challenge if it was given to this user's session
   * for this ceremony, expired or not: a challenge is answered once.
   */
  takeWebAuthnChallenge(
    userId: string,
    sessionId: string,
    challenge: string,
    ceremony: WebAuthnChallengeRecord['ceremony'],
  ): Promise<WebAuthnChallengeRecord | null>;

  /**
   * Replaces all of the user's recovery codes, forgets the user's remembered devices and
   * ends every verified session of the user but `keepSessionId` (the one that asked), all
   * or nothing.
   */
  replaceRecoveryCodes(
    userId: string,
    hashes: readonly string[],
    audit?: AuditWrite,
    keepSessionId?: string,
  ): Promise<void>;
  countRecoveryCodes(userId: string): Promise<number>;
  /**
   * Users with unused recovery codes, counted by the key id their hashes begin
   * with (`<key id>.<hash>`): codes hashed under a key no longer configured stop working.
   */
  countRecoveryCodeUsersByKey(): Promise<Map<string, number>>;
  /** The key ids of the user's unused recovery codes (see `countRecoveryCodeUsersByKey`). */
  recoveryCodeKeys(userId: string): Promise<string[]>;

  /**
   * Stores a remembered device (its id and token hash are new), audited with it; given
   * `session`, only while that session of the user is still verified at its `verifiedAt`
   * with its method. True when it wrote.
   */
  rememberDevice(
    device: RememberedDeviceRecord,
    audit?: AuditWrite,
    session?: SessionRecord,
  ): Promise<boolean>;
  /**
   * The user's remembered device whose token hash is one of `tokenHashes` (the token's
   * hashes under every configured key), expired or not; another user's device is `null`.
   */
  findRememberedDevice(
    userId: string,
    tokenHashes: readonly string[],
  ): Promise<RememberedDeviceRecord | null>;
  /** The user's remembered devices, expired ones included, oldest first. */
  listRememberedDevices(userId: string): Promise<RememberedDeviceRecord[]>;
  /**
   * A remembered device let `session` skip the challenge: sets the device's last use to
   * the session's `verifiedAt` (and its token hash to `rehash`, the hash under the newest
   * key, when given) and marks the session, in one transaction, only while the user has
   * that device. False (nothing changed) without it.
   */
  useRememberedDevice(
    userId: string,
    deviceId: string,
    session: SessionRecord,
    rehash?: string,
  ): Promise<boolean>;
  /**
   * Forgets one of the user's remembered devices (`deviceId`) or all of them (`null`);
   * answers how many went, and appends the audit events only when some did.
   */
  forgetRememberedDevices(userId: string, deviceId: string | null, audit?: AuditWrite): Promise<number>;

  /** The user's consecutive failures and lock. */
  getAttempts(userId: string): Promise<AttemptState>;

  /**
   * Judges one challenge attempt under the back-off, all or nothing: while the user
   * is locked, changes nothing; otherwise a proof that holds is consumed (the TOTP
   * step after the last one used, or one unused recovery code), the failures
   * cleared and the session marked verified, and one that does not counts a
   * failure and sets the lock it earns (`settle` gives the rules). A verified session is
   * marked with the proof's method (`verificationMethodOf`); a WebAuthn proof that holds
   * also sets the credential's counter, backed-up state and last use.
   */
  settleAttempt(input: AttemptInput): Promise<AttemptResult & { events: AuditEvent[] }>;

  markSessionVerified(session: SessionRecord): Promise<void>;
  /** The user's session, if verified; the same session id of another user is another session. */
  getSession(userId: string, sessionId: string): Promise<SessionRecord | null>;
  /**
   * Ends the verified state of one session of the user (the host's sign-out), and discards
   * the user's pending app setup and open registrations with it.
   */
  endSession(userId: string, sessionId: string): Promise<void>;

  /**
   * Removes what has expired, at most `limit` rows of each kind (bounded work, called
   * as writes go): pending setups, WebAuthn challenges and remembered devices that expired
   * before `now`, verified sessions verified
   * before `sessionsBefore`, and failure counts whose last failure was before
   * `attemptsBefore` and that are under `keepFailures` (a user refused app codes until a
   * recovery code stays so). Answers how many rows went.
   */
  pruneExpired(input: PruneInput): Promise<number>;

  /** Starts the user's grace period for the account at `at` unless it started already; returns it as stored. */
  startGrace(accountId: string, userId: string, at: Date): Promise<GraceRecord>;
  /** The grace periods of these users in this account (users without one have no entry). */
  getGraceStarts(accountId: string, userIds: readonly string[]): Promise<Map<string, GraceRecord>>;
  /**
   * The facts version: an opaque value that changes, in the same transaction, with every
   * write that changes what `getEnrollments` or `getGraceStarts` answer for anyone (an app
   * activated or removed, a WebAuthn credential added or removed, a reset, a grace period
   * started or forfeited), and with no other write (sessions, attempts, codes, policies,
   * devices, audit). The members list reads it before an account's facts and keeps them
   * while it stays the same. Optional: without it, a store's facts are remembered for
   * `policyCacheTtl` only.
   */
  factsVersion?(): Promise<string>;
  /**
   * A reset at `at` forfeits the user's grace period in each account: `forfeitedAt` becomes
   * `at` unless an earlier reset forfeited it already (a period that never started starts and
   * is forfeited at `at`); `startedAt` stays.
   */
  forfeitGrace(userId: string, accountIds: readonly string[], at: Date): Promise<void>;

  /** A value of mfakit's own bookkeeping (such as the key check), or `null`. */
  getMeta(key: string): Promise<string | null>;
  /** Writes `value` if the stored value is `expected` (`null`: none stored); true when it wrote. */
  putMeta(key: string, value: string, expected: string | null): Promise<boolean>;

  appendAudit(event: AuditEventInput): Promise<AuditEvent>;
  /** Newest first: the account's events and the listed users' own (account-less) events. */
  listAudit(query: AuditQuery): Promise<AuditEvent[]>;
}
