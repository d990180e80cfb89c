/** Domain types shared by the store, the services and the HTTP API. */

export const policyModes = ['optional', 'required_admins', 'required_all'] as const;
export type PolicyMode = (typeof policyModes)[number];
export type Role = 'admin' | 'member';

/** The second factors a user can have: an authenticator app, WebAuthn credentials (passkeys, security keys). */
export const factorMethods = ['totp', 'webauthn'] as const;
export type FactorMethod = (typeof factorMethods)[number];

/** How a session was verified: with a factor, or with a recovery code (accepted by every policy). */
export const verificationMethods = ['totp', 'webauthn', 'recovery'] as const;
export type VerificationMethod = (typeof verificationMethods)[number];

/**
 * What a session is marked verified with: a verification; `remembered_device` (a
 * remembered device let it skip the challenge); or a new factor's own proof
 * (`totp_setup`: the code that confirmed a new app, `webauthn_registration`: a new
 * passkey's registration). A session marked `remembered_device` counts in an account only
 * while a device that account accepts is presented with it (see access/decide.ts). Neither
 * a remembered device nor a new factor is ever a step-up: a registration proves the new
 * key, not the person.
 */
export const sessionMethods = [
  ...verificationMethods,
  'remembered_device',
  'totp_setup',
  'webauthn_registration',
] as const;
export type SessionMethod = (typeof sessionMethods)[number];

/**
 * The factor a session's verification counts as when entering an account: a new factor's
 * proof counts as that factor; `null` for a remembered device (judged by the device itself).
 */
export function entryMethodOf(method: SessionMethod): VerificationMethod | null {
  switch (method) {
    case 'totp_setup':
      return 'totp';
    case 'webauthn_registration':
      return 'webauthn';
    case 'remembered_device':
      return null;
    default:
      return method;
  }
}

/**
 * The verification a session's mark is a step-up with: a challenge answered with a factor
 * (or a recovery code) held before; `null` for a remembered device or a new factor's proof.
 */
export function stepUpMethodOf(method: SessionMethod | null): VerificationMethod | null {
  return method === 'totp' || method === 'webauthn' || method === 'recovery' ? method : null;
}

/**
 * Which factors an account accepts: `any` (app codes and WebAuthn) or `phishing_resistant`
 * (WebAuthn only). Recovery codes are accepted by both.
 */
export const allowedFactorsValues = ['any', 'phishing_resistant'] as const;
export type AllowedFactors = (typeof allowedFactorsValues)[number];

/**
 * What a kind of factor is, read wherever a rule depends on it (what an account accepts, the
 * compliance counts) instead of naming kinds. Each second factor's folder (factors/<name>/)
 * declares itself with its entry in `factorKinds`; a method without one does not compile.
 */
export interface FactorKind {
  /** Bound to the site, so a phishing page cannot relay it (passkeys). */
  phishingResistant: boolean;
  /** A short code: its failures count toward refusing more (`TOTP_FAILURE_LIMIT`). */
  guessable: boolean;
  /** Holding one is having MFA, or it only lets a user back in (recovery codes, under every policy). */
  use: 'second_factor' | 'way_back_in';
}

export const factorKinds: Record<FactorMethod, FactorKind & { use: 'second_factor' }> = {
  totp: { phishingResistant: false, guessable: true, use: 'second_factor' },
  webauthn: { phishingResistant: true, guessable: false, use: 'second_factor' },
};
/** Recovery codes: 50 random bits each, the way back in. */
export const recoveryCodeKind: FactorKind = {
  phishingResistant: false,
  guessable: false,
  use: 'way_back_in',
};

/** The factors an account with this setting accepts, in `factorMethods`' order. */
export function acceptedMethods(allowedFactors: AllowedFactors): FactorMethod[] {
  return factorMethods.filter((method) => allowedFactors === 'any' || factorKinds[method].phishingResistant);
}

/** Whether a user who holds `methods` has a factor that `accepts` names. */
export function hasAccepted(methods: readonly FactorMethod[], accepts: readonly FactorMethod[]): boolean {
  return methods.some((method) => accepts.includes(method));
}

/** Whether `value` names a factor kind (a row or a request may hold anything). */
export function isFactorMethod(value: unknown): value is FactorMethod {
  return (factorMethods as readonly unknown[]).includes(value);
}

/**
 * Whether a session verified with `method` counts as verified for an account with this
 * setting. A recovery code counts everywhere: it is the way back in when a device is lost,
 * under every policy, and each use is audited.
 */
export function acceptsVerification(allowedFactors: AllowedFactors, method: VerificationMethod): boolean {
  return method === 'recovery' || acceptedMethods(allowedFactors).includes(method);
}

/**
 * Whether a session verified with `method` within the window counts as a step-up in an
 * account with this setting: only a challenge answered with a factor held before (never a
 * remembered device, never a new factor's own registration), that the account accepts. A
 * recovery code steps up only where app codes do: under `phishing_resistant`, a phishable
 * code lets the user back in, but never through a host route's step-up.
 */
export function acceptsStepUp(allowedFactors: AllowedFactors, method: SessionMethod | null): boolean {
  const proof = stepUpMethodOf(method);
  if (proof === null) return false;
  return proof === 'recovery' ? allowedFactors === 'any' : acceptedMethods(allowedFactors).includes(proof);
}

/**
 * Whether an account with this setting accepts a device remembered after a verification
 * with `method`: a device remembered after an app code does not open a phishing-resistant
 * account. A recovery code verifies under every policy (the way back in when a device is
 * lost), but a device remembered after one is accepted only where app codes are: under
 * `phishing_resistant` it would turn one use of a phishable code into weeks of access.
 */
export function acceptsRememberedDevice(allowedFactors: AllowedFactors, method: VerificationMethod): boolean {
  return method === 'recovery' ? allowedFactors === 'any' : acceptedMethods(allowedFactors).includes(method);
}

/** The longest an account may let a device skip the challenge, in days. */
export const MAX_REMEMBER_DEVICE_DAYS = 30;

/** At most this many WebAuthn credentials per user. */
export const MAX_WEBAUTHN_CREDENTIALS = 10;

/** An account's MFA policy as stored. `version` 0 means "never written" (the default policy). */
export interface PolicyRecord {
  accountId: string;
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  allowedFactors: AllowedFactors;
  /** Days a remembered device skips the challenge in this account (0: never, at most 30). */
  rememberDeviceDays: number;
  /** (requiring modes) Enforced from this time on, announced before; grace is counted from it (`null`: at once). */
  enforceFrom: Date | null;
  version: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export const DEFAULT_GRACE_PERIOD_DAYS = 7;

export function defaultPolicy(accountId: string): PolicyRecord {
  return {
    accountId,
    mode: 'optional',
    gracePeriodDays: DEFAULT_GRACE_PERIOD_DAYS,
    enforceAfterSso: false,
    allowedFactors: 'any',
    rememberDeviceDays: 0,
    enforceFrom: null,
    version: 0,
    updatedAt: null,
    updatedBy: null,
  };
}

/** A user's active TOTP factor. `secret` is the sealed (encrypted) secret. */
export interface TotpFactorRecord {
  userId: string;
  secret: string;
  lastUsedStep: number | null;
  createdAt: Date;
}

/** A TOTP secret waiting for its first code. */
export interface PendingTotpRecord {
  userId: string;
  secret: string;
  expiresAt: Date;
}

/** Consecutive failed verifications of a user. */
export interface AttemptState {
  failures: number;
  lockedUntil: Date | null;
}

export interface SessionRecord {
  sessionId: string;
  userId: string;
  verifiedAt: Date;
  /** What verified it (sessions verified before migration 0006 count as `totp`, the only factor then). */
  method: SessionMethod;
}

/**
 * A remembered device: a browser whose cookie lets its user skip the challenge in the
 * accounts that allow it. Only the keyed hash of the cookie's token is stored.
 */
export interface RememberedDeviceRecord {
  /** A random public id (base64url), for listing and forgetting. */
  deviceId: string;
  userId: string;
  /** `<key id>.<HMAC-SHA-256 of the token>` under the key that hashed it (see crypto/secret-box.ts). */
  tokenHash: string;
  /** The verification after which it was remembered. */
  method: VerificationMethod;
  /** A short label from the User-Agent ("Chrome on macOS"). */
  label: string;
  createdAt: Date;
  /** When it last let a session skip the challenge (`null`: not yet). */
  lastUsedAt: Date | null;
  /** At most the largest `rememberDeviceDays` among the user's accounts after `createdAt`. */
  expiresAt: Date;
}

/** A user's WebAuthn credential (a passkey or security key), as stored. */
export interface WebAuthnCredentialRecord {
  userId: string;
  /** The credential id, base64url. Unique across users. */
  credentialId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter last seen (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  /** Whether the authenticator says the credential is backed up (synced passkeys). */
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /**
   * The relying party id it was registered for: its assertions are judged against it
   * (absent or `null`: registered before migration 0010, judged against the configured one).
   */
  rpId?: string | null;
  /** The authenticator's AAGUID as it reported it (all zeros for many; `null`: unknown). */
  aaguid?: string | null;
}

/** At most this many WebAuthn ceremonies of a user are open at once; a new one discards the oldest. */
export const MAX_OPEN_CEREMONIES = 5;

/** A WebAuthn ceremony's challenge: single use, for one session of one user, until `expiresAt`. */
export interface WebAuthnChallengeRecord {
  /** The challenge, base64url. */
  challenge: string;
  userId: string;
  sessionId: string;
  ceremony: 'registration' | 'authentication';
  expiresAt: Date;
}

/** Which factors a user has, and since when they have MFA (their oldest factor). */
export interface Enrollment {
  methods: FactorMethod[];
  since: Date;
}

export const auditEventTypes = [
  'policy.updated',
  'mfa.enrolled',
  'mfa.removed',
  'mfa.reset',
  'recovery_codes.regenerated',
  'recovery_code.used',
  'challenge.failed',
  'challenge.replayed',
  'challenge.locked',
  'webauthn.registered',
  'webauthn.renamed',
  'webauthn.removed',
  'device.remembered',
  'device.forgotten',
  'reminder.sent',
] as const;
export type AuditEventType = (typeof auditEventTypes)[number];

/** An audit event before the store gives it an id. */
export interface AuditEventInput {
  type: AuditEventType;
  /** Who did it: the signed-in user, or `null` for the host's own staff (`mfa.resetUser`). */
  actorId: string | null;
  /** Whose MFA it concerns, where a user's MFA is concerned. */
  userId: string | null;
  /** The account it concerns, where one applies. */
  accountId: string | null;
  before: unknown;
  after: unknown;
  at: Date;
}

export interface AuditEvent extends AuditEventInput {
  id: string;
}

/** What the host's `authenticate` hook returns for a signed-in request. */
export interface Principal {
  userId: string;
  sessionId: string;
  email?: string;
  authMethod: 'password' | 'sso';
  /**
   * The account whose identity provider this SSO sign-in went through. An SSO sign-in
   * counts as SSO for this account only; one that names no account counts nowhere.
   */
  ssoAccountId?: string;
}

export interface Membership {
  role: Role;
  accountName: string;
}

export interface MembershipListing {
  accountId: string;
  accountName: string;
  role: Role;
}

export interface MemberListing {
  userId: string;
  displayName: string;
  email: string;
  role: Role;
}

export interface SsoIntegration {
  provider: string;
}

export const accessReasons = [
  'unauthenticated',
  'not_member',
  'sso_delegated',
  'verified',
  'challenge_required',
  'grace_period',
  'enrollment_required',
  'not_required',
  'unavailable',
  'step_up_required',
  'mfa_required_for_action',
] as const;
export type AccessReason = (typeof accessReasons)[number];

/** The outcome of the access decision. */
export interface AccessDecision {
  allow: boolean;
  reason: AccessReason;
  /**
   * For `grace_period` (and `enrollment_required`): when the grace period ends or ended; for
   * `not_required` with `enforceFrom`: when it will end.
   */
  deadline?: Date;
  /**
   * For `challenge_required`, `grace_period`, `enrollment_required` and
   * `mfa_required_for_action`: the factors the account accepts. For `step_up_required`:
   * those of them the user has, the ones a step-up can be done with.
   */
  accepts?: FactorMethod[];
  /** For `step_up_required`: the session must have verified within this many seconds. */
  maxAgeSeconds?: number;
  /** For `not_required` before a requiring policy's start date: when it starts (`deadline`: when grace will end). */
  enforceFrom?: Date;
}

/** The longest step-up window a host route may ask for (`stepUp`), in seconds: one day. */
export const MAX_STEP_UP_SECONDS = 86_400;

/** Whether a policy requires MFA of a member with this role. */
export function policyRequires(mode: PolicyMode, role: Role): boolean {
  return mode === 'required_all' || (mode === 'required_admins' && role === 'admin');
}

/**
 * A user's grace period in an account, as stored: when it started (the first time they were
 * evaluated there under a requiring policy), and when an administrator's reset forfeited it
 * (`null`: none did).
 */
export interface GraceRecord {
  startedAt: Date;
  forfeitedAt: Date | null;
}

/**
 * When a grace period ends: `gracePeriodDays` after its start, or at the reset that forfeited
 * it if that came first (the deadline shown is then the reset's time, never an earlier,
 * invented date).
 */
export function graceDeadline(
  grace: Pick<GraceRecord, 'startedAt'> & Partial<Pick<GraceRecord, 'forfeitedAt'>>,
  gracePeriodDays: number,
): Date {
  const end = grace.startedAt.getTime() + gracePeriodDays * 86_400_000;
  const forfeited = grace.forfeitedAt?.getTime();
  return new Date(forfeited === undefined ? end : Math.min(end, forfeited));
}
