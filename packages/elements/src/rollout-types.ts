// The rollout's API shapes (issue 29: a start date, reminders, the nudge), declared here until
// the server SDK exports them. Each is named as the SDK will name it: switching is replacing
// this file's declarations with `export type { … } from '@mfakit/server-sdk'`.
import type {
  AccessResponse,
  AuditEventResponse,
  MemberResponse,
  MembersResponse,
  MeResponse,
  PolicyResponse,
  RequiredByEntry,
} from '@mfakit/server-sdk';

/** The error codes of the rollout's routes. */
export type RolloutErrorCode = 'reminder_limit' | 'snooze_limit' | 'nothing_to_remind';

/** When a requiring policy starts to be enforced (`null`: at once). */
export interface EnforceFrom {
  enforceFrom: string | null;
}

/** `GET …/policy`, with the start date (absent from a server that has none). */
export type RolloutPolicy = PolicyResponse & Partial<EnforceFrom>;

/** `GET …/access`: before the start date a member without MFA is told when it begins (`enforceFrom`) and their deadline. */
export type RolloutAccess = AccessResponse & { enforceFrom?: string };

/** `GET /me`'s accounts that require MFA: a pending one has its start date. */
export type RolloutRequiredBy = RequiredByEntry & Partial<EnforceFrom>;

/** A member, with when an administrator or the schedule last reminded them to set up MFA. */
export type RolloutMember = MemberResponse & { lastRemindedAt?: string | null };

/** The account's last manual reminder and when the next is allowed (both `null` when never sent). */
export interface Reminders {
  lastSentAt: string | null;
  nextAllowedAt: string | null;
}

export type RolloutMembers = Omit<MembersResponse, 'members'> & {
  members: RolloutMember[];
  reminders?: Reminders;
};

/** `POST …/reminders`. */
export interface RemindersSentResponse {
  reminded: number;
  sentAt: string;
  nextAllowedAt: string;
}

export type NudgeKind = 'set_up' | 'passkey';

/** `GET /me/nudge`: what to suggest to the user now, or `null` (nothing, or snoozed). */
export interface NudgeResponse {
  nudge: null | {
    kind: NudgeKind;
    accountId: string | null;
    /** The account's start date, when the suggestion comes before it. */
    enforceFrom: string | null;
    /** How many more times **Not now** may snooze it (3 → 0). */
    snoozesLeft: number;
  };
}

/** `POST /me/nudge/snooze`. */
export interface NudgeSnoozeResponse {
  snoozedUntil: string;
  snoozesLeft: number;
}

/** An audit event; `reminder.sent` is one of the rollout's types. */
export type RolloutAuditEvent = Omit<AuditEventResponse, 'type'> & {
  type: AuditEventResponse['type'] | 'reminder.sent';
};

/** `GET /me`, whose accounts requiring MFA may be pending. */
export type RolloutMe = Omit<MeResponse, 'requiredBy'> & { requiredBy: RolloutRequiredBy[] };
