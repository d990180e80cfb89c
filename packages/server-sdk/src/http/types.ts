import type { FactorResponse } from '../factors/responses.ts';
import type {
  AccessReason,
  AllowedFactors,
  AuditEventType,
  FactorMethod,
  PolicyMode,
  Role,
  SessionMethod,
  VerificationMethod,
} from '../model.ts';

/**
 * The bodies the HTTP API answers with, for the routes http/ declares itself (a factor's own
 * are in its folder, factors/<name>/responses.ts, and exported here too). Dates are ISO 8601
 * strings.
 */

export type * from '../factors/responses.ts';

export interface PolicyResponse {
  accountId: string;
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  /** Which factors the account accepts: `any`, or `phishing_resistant` (WebAuthn only). */
  allowedFactors: AllowedFactors;
  /** Days a remembered device skips the challenge in this account (0: never, at most 30). */
  rememberDeviceDays: number;
  /** A requiring policy announced ahead: enforced from this time on (`null`: at once). */
  enforceFrom: string | null;
  version: number;
  updatedAt: string | null;
  /** The user id of who changed it last. */
  updatedBy: string | null;
  /** Their display name, when they are still a member. */
  updatedByName: string | null;
  sso: { enabled: boolean; provider: string | null };
  canManage: boolean;
  /**
   * Members; members with any factor (`enrolled`); members with a factor this account
   * accepts (`withAcceptedMethod`); members with a WebAuthn credential (`phishingResistant`,
   * what `withAcceptedMethod` would be under `phishing_resistant`).
   */
  compliance: { members: number; enrolled: number; withAcceptedMethod: number; phishingResistant: number };
}

export interface MemberResponse {
  userId: string;
  displayName: string;
  email: string;
  role: Role;
  /** Has any factor (`methods` not empty). */
  enrolled: boolean;
  /** The factors the member has. */
  methods: FactorMethod[];
  enrolledAt: string | null;
  /** When a member who must set up MFA loses access (`null`: not required, or their grace has not begun). */
  deadline: string | null;
  /** The deadline has passed: the member is denied until they set up MFA. */
  overdue: boolean;
  /**
   * When an administrator's reset forfeited the member's grace period in this account (then
   * `deadline` is that time: they must set up MFA at their next sign-in); `null` otherwise.
   */
  resetAt: string | null;
  /** When the member was last reminded to set up MFA in this account (`null`: never). */
  lastRemindedAt: string | null;
}

export interface MembersResponse {
  /** A page, by display name. */
  members: MemberResponse[];
  /** Pass as `cursor` for the next page; `null` on the last. */
  nextCursor: string | null;
  /**
   * Of the whole account, whatever `status` and `q` select: members; with any factor
   * (`enrolled`); without a factor this account accepts (`withoutMfa`, what the
   * `without_mfa` filter lists); past their deadline (`overdue`).
   */
  counts: { members: number; enrolled: number; withoutMfa: number; overdue: number };
  /**
   * **Remind members without MFA**: when an administrator last did (`null`: never), and when
   * it may be done again (`null`: now).
   */
  reminders: { lastSentAt: string | null; nextAllowedAt: string | null };
}

/** `POST …/reminders`: how many members were reminded, and when the next round may be sent. */
export interface RemindersResponse {
  reminded: number;
  sentAt: string;
  nextAllowedAt: string;
}

/** `GET /me/nudge`: what `<mfa-nudge>` suggests now (`null`: nothing). */
export interface NudgeResponse {
  nudge: {
    /** `set_up`: MFA at all; `passkey`: a passkey, to a user who signs in with an app code. */
    kind: 'set_up' | 'passkey';
    accountId: string | null;
    /** That account will require MFA of the user from this time on. */
    enforceFrom: string | null;
    /** How many more times **Not now** may snooze it (0: it stays). */
    snoozesLeft: number;
  } | null;
}

/** `POST /me/nudge/snooze`. */
export interface NudgeSnoozeResponse {
  snoozedUntil: string;
  snoozesLeft: number;
}

export interface AuditEventResponse {
  id: string;
  type: AuditEventType;
  actorId: string | null;
  /** The actor's display name while they are a member of the account (`null`: not a member, or the host's staff). */
  actorName: string | null;
  userId: string | null;
  /** The display name of the user concerned, while they are a member. */
  userName: string | null;
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
  /** For `challenge_required`, `grace_period` and `enrollment_required`: the factors the account accepts. */
  accepts?: FactorMethod[];
  /** For `not_required` before a requiring policy's start date: when it starts (`deadline`: by when to set up MFA then). */
  enforceFrom?: string;
}

export interface RequiredByEntry {
  accountId: string;
  accountName: string;
  /** When the grace period ends (or ended) for a user without an accepted factor; `null` otherwise. */
  deadline: string | null;
  /** When an administrator's reset forfeited that grace period (then `deadline` is that time); `null` otherwise. */
  resetAt: string | null;
  /** The factors the account accepts. */
  accepts: FactorMethod[];
  /** A start date still ahead: nothing is required before it, and `deadline` is the one to come. */
  enforceFrom: string | null;
}

export interface MeResponse {
  userId: string;
  /** Whether the user has any factor. */
  enrolled: boolean;
  /** Each kind's factors in `factorMethods`' order (the app, then the WebAuthn credentials), oldest first. */
  factors: FactorResponse[];
  recoveryCodesRemaining: number;
  /**
   * The unused recovery codes were made under a key the host is retiring (see
   * `mfa.rotateKeys`): new ones keep them working once the old key is removed.
   */
  recoveryCodesOutdated: boolean;
  requiredBy: RequiredByEntry[];
  /**
   * The largest `rememberDeviceDays` among the user's accounts (0: none lets a device be
   * remembered): what "Remember this device for N days" offers.
   */
  rememberDeviceDays: number;
  /**
   * `method` `remembered_device`: a remembered device let the session skip the challenge; it
   * is `verified` only while that device's cookie comes with the request.
   */
  session: { verified: boolean; verifiedAt: string | null; method: SessionMethod | null };
  /**
   * Until when repeated wrong codes paused the challenge for this user (`null`: not paused):
   * a page loaded during the wait shows it at once.
   */
  lockedUntil: string | null;
}

export interface ChallengeResponse {
  verified: true;
  verifiedAt: string;
  method: VerificationMethod;
  recoveryCodesRemaining: number;
  /**
   * Until when this browser is remembered (its cookie set with this answer), when the
   * request asked (`rememberDevice: true`) and an account of the user allows it; else `null`.
   */
  rememberedUntil: string | null;
}

/** A remembered device as the profile lists it; never its token or the token's hash. */
export interface RememberedDeviceResponse {
  deviceId: string;
  /** From the User-Agent it was remembered with: "Chrome on macOS". */
  label: string;
  createdAt: string;
  /** When it last let a session skip the challenge (`null`: not yet). */
  lastUsedAt: string | null;
  expiresAt: string;
  /** This request's cookie names it: the browser asking. */
  current: boolean;
}

/** `GET /me/devices`: the user's remembered devices that have not expired, oldest first. */
export interface RememberedDevicesResponse {
  devices: RememberedDeviceResponse[];
}

/** `DELETE /me/devices/:deviceId` and `DELETE /me/devices`: how many were forgotten. */
export interface RememberedDevicesForgottenResponse {
  forgotten: number;
}

/** `POST /challenge`'s body, for clients. */
export type ChallengeRequest = (
  | { code: string }
  | { recoveryCode: string }
  | { webauthn: import('@simplewebauthn/server').AuthenticationResponseJSON }
) & {
  /** Remember this browser where an account of the user allows it (see `ChallengeResponse.rememberedUntil`). */
  rememberDevice?: boolean;
};
