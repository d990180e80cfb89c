import type { AccessReason, AuditEventType, PolicyMode, Role } from '../model.ts';

/** The bodies the HTTP API answers with. Dates are ISO 8601 strings. */

export interface PolicyResponse {
  accountId: string;
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  version: number;
  updatedAt: string | null;
  /** The user id of who changed it last. */
  updatedBy: string | null;
  /** Their display name, when they are still a member. */
  updatedByName: string | null;
  sso: { enabled: boolean; provider: string | null };
  canManage: boolean;
  compliance: { members: number; enrolled: number };
}

export interface MemberResponse {
  userId: string;
  displayName: string;
  email: string;
  role: Role;
  enrolled: boolean;
  enrolledAt: string | null;
  /** When a member who must set up MFA loses access (`null`: not required, or their grace has not begun). */
  deadline: string | null;
}

export interface MembersResponse {
  members: MemberResponse[];
}

export interface AuditEventResponse {
  id: string;
  type: AuditEventType;
  actorId: string | null;
  userId: string | null;
  accountId: string | null;
  before: unknown;
  after: unknown;
  at: string;
}

export interface AuditResponse {
  events: AuditEventResponse[];
  nextCursor: string | null;
}

export interface AccessResponse {
  allow: boolean;
  reason: AccessReason;
  deadline?: string;
}

export interface RequiredByEntry {
  accountId: string;
  accountName: string;
  deadline: string | null;
}

export interface MeResponse {
  userId: string;
  enrolled: boolean;
  factors: { type: 'totp'; createdAt: string }[];
  recoveryCodesRemaining: number;
  /**
   * The unused recovery codes were made under a key the host is retiring (see
   * `mfa.rotateKeys`): new ones keep them working once the old key is removed.
   */
  recoveryCodesOutdated: boolean;
  requiredBy: RequiredByEntry[];
  session: { verified: boolean; verifiedAt: string | null };
}

export interface TotpSetupResponse {
  otpauthUri: string;
  qrSvg: string;
  /** Unpadded upper-case RFC 4648 base32. */
  secret: string;
  expiresAt: string;
}

export interface RecoveryCodesResponse {
  recoveryCodes: string[];
}

export interface ChallengeResponse {
  verified: true;
  verifiedAt: string;
  recoveryCodesRemaining: number;
}
