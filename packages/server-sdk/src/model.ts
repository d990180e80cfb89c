/** Domain types shared by the store, the services and the HTTP API. */

export const policyModes = ['optional', 'required_admins', 'required_all'] as const;
export type PolicyMode = (typeof policyModes)[number];
export type Role = 'admin' | 'member';

/** An account's MFA policy as stored. `version` 0 means "never written" (the default policy). */
export interface PolicyRecord {
  accountId: string;
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
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
] as const;
export type AccessReason = (typeof accessReasons)[number];

/** The outcome of the access decision. */
export interface AccessDecision {
  allow: boolean;
  reason: AccessReason;
  /** For `grace_period` (and `enrollment_required`): when the grace period ends or ended. */
  deadline?: Date;
}

/** Whether a policy requires MFA of a member with this role. */
export function policyRequires(mode: PolicyMode, role: Role): boolean {
  return mode === 'required_all' || (mode === 'required_admins' && role === 'admin');
}

export function graceDeadline(startedAt: Date, gracePeriodDays: number): Date {
  return new Date(startedAt.getTime() + gracePeriodDays * 86_400_000);
}
