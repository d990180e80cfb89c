/**
 * Which security notifications an audit event calls for, read from the event alone (its type,
 * `before` and `after` as the capabilities write them): a pure mapping the subscriber then
 * addresses and renders. No secret, code or token is in any event, and none is read here.
 */
import {
  type AllowedFactors,
  type AuditEvent,
  allowedFactorsValues,
  type FactorMethod,
  type PolicyMode,
  policyModes,
} from '../../model.ts';

/** Every kind of security notification this package writes. */
export const notificationKinds = [
  'factor_added',
  'factor_replaced',
  'factor_removed',
  'recovery_codes_regenerated',
  'recovery_code_used',
  'mfa_reset',
  'device_remembered',
  'sign_in_paused',
  'member_reset',
  'policy_changed',
  'mfa_required_soon',
  'mfa_reminder',
  'mfa_overdue',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** A ready message for the host's mailer (`notify`). */
export interface NotificationMessage {
  /** Stable per event, kind and recipient: a redelivered event repeats it, so the host sends it once. */
  id: string;
  kind: NotificationKind;
  to: { userId: string; email: string; displayName: string };
  /** The language it is written in (`en`, `de`, or one the host gave strings for). */
  locale: string;
  subject: string;
  text: string;
  html: string;
}

/** The factor a message names: the app, or a passkey or security key with its name when known. */
export interface FactorInfo {
  method: FactorMethod;
  name: string | null;
}

/**
 * Who made a change, as a message names it: the recipient (`'you'`), the portal's support
 * staff (`mfa.resetUser`), a person by display name, or `'someone'` the host no longer knows.
 */
export type Actor = 'you' | 'support' | 'someone' | { name: string };

/** One setting of a policy that changed, with its old and new value. */
export type PolicyChange =
  | { setting: 'mode'; from: PolicyMode; to: PolicyMode }
  | { setting: 'allowedFactors'; from: AllowedFactors; to: AllowedFactors }
  | { setting: 'gracePeriodDays' | 'rememberDeviceDays'; from: number; to: number }
  | { setting: 'enforceAfterSso'; from: boolean; to: boolean }
  | { setting: 'enforceFrom'; from: Date | null; to: Date | null };

/** What a message of each kind says, names resolved: the values its strings place. */
export type NotificationDetails =
  | { kind: 'factor_added' | 'factor_replaced' | 'factor_removed'; factor: FactorInfo }
  | { kind: 'recovery_codes_regenerated'; count: number | null }
  | { kind: 'recovery_code_used'; remaining: number }
  | { kind: 'mfa_reset'; by: Actor; account: string | null }
  | { kind: 'device_remembered'; label: string; expiresAt: Date | null }
  | { kind: 'sign_in_paused'; failures: number; pausedForSeconds: number }
  | { kind: 'member_reset'; member: string; by: Actor; account: string }
  | { kind: 'policy_changed'; by: Actor; account: string; changes: PolicyChange[] }
  | {
      kind: RolloutKind;
      account: string;
      /** By when to set up MFA (`null`: unknown). */
      deadline: Date | null;
      /** From when the account requires it, when announced ahead. */
      enforceFrom: Date | null;
    };

/** The rollout's reminders: the announcement, a reminder before the deadline, overdue. */
export type RolloutKind = 'mfa_required_soon' | 'mfa_reminder' | 'mfa_overdue';

/**
 * A notification an event calls for, before it is addressed: to the user the event concerns,
 * or to the administrators of its account. Names (of the actor, the member, the account) are
 * resolved per recipient by the subscriber, so only ids are here.
 */
export type Notice =
  | { audience: 'user'; details: Exclude<NotificationDetails, { by: Actor } | { kind: RolloutKind }> }
  | {
      audience: 'user';
      kind: RolloutKind;
      accountId: string;
      deadline: Date | null;
      enforceFrom: Date | null;
    }
  | { audience: 'user'; kind: 'mfa_reset'; actorId: string | null; accountId: string | null }
  | { audience: 'admins'; kind: 'member_reset'; actorId: string | null; accountId: string }
  | {
      audience: 'admins';
      kind: 'policy_changed';
      actorId: string | null;
      accountId: string;
      changes: PolicyChange[];
    };

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const numberOr = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const stringOr = <T>(value: unknown, fallback: T) =>
  typeof value === 'string' && value !== '' ? value : fallback;
const dateOr = (value: unknown): Date | null => {
  const date = typeof value === 'string' ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
};

/** The settings of a policy that differ between `before` and `after` (`policy.updated`'s summaries). */
export function policyChanges(before: unknown, after: unknown): PolicyChange[] {
  const b = record(before);
  const a = record(after);
  const changes: PolicyChange[] = [];
  const mode = (v: unknown) => (policyModes as readonly unknown[]).includes(v);
  const factors = (v: unknown) => (allowedFactorsValues as readonly unknown[]).includes(v);
  if (mode(b.mode) && mode(a.mode) && b.mode !== a.mode) {
    changes.push({ setting: 'mode', from: b.mode as PolicyMode, to: a.mode as PolicyMode });
  }
  if (factors(b.allowedFactors) && factors(a.allowedFactors) && b.allowedFactors !== a.allowedFactors) {
    const [from, to] = [b.allowedFactors as AllowedFactors, a.allowedFactors as AllowedFactors];
    changes.push({ setting: 'allowedFactors', from, to });
  }
  for (const setting of ['gracePeriodDays', 'rememberDeviceDays'] as const) {
    const [from, to] = [b[setting], a[setting]];
    if (typeof from === 'number' && typeof to === 'number' && from !== to)
      changes.push({ setting, from, to });
  }
  const [from, to] = [b.enforceAfterSso, a.enforceAfterSso];
  if (typeof from === 'boolean' && typeof to === 'boolean' && from !== to) {
    changes.push({ setting: 'enforceAfterSso', from, to });
  }
  // Summaries written before start dates existed have none: no change there.
  if ('enforceFrom' in a && (b.enforceFrom ?? null) !== a.enforceFrom) {
    changes.push({ setting: 'enforceFrom', from: dateOr(b.enforceFrom), to: dateOr(a.enforceFrom) });
  }
  return changes;
}

/**
 * The notifications `event` calls for (none for most failures, renames and forgotten devices):
 *
 * | event | notice |
 * |---|---|
 * | `mfa.enrolled` | `factor_replaced` (app) when `before.enrolled` (the user had an app), else `factor_added` |
 * | `webauthn.registered` | `factor_added` (passkey, `after.name`) |
 * | `mfa.removed` | `factor_removed` (app) |
 * | `webauthn.removed` | `factor_removed` (passkey, `before.name` when the event has it) |
 * | `recovery_codes.regenerated` | `recovery_codes_regenerated` |
 * | `recovery_code.used` | `recovery_code_used` (`after.remaining`) |
 * | `mfa.reset` with `before.enrolled` | `mfa_reset` to the user; `member_reset` to the account's admins |
 * | `device.remembered` | `device_remembered` (`after.label`) |
 * | `challenge.locked` | `sign_in_paused` |
 * | `policy.updated` that changed anything | `policy_changed` to the account's admins |
 * | `reminder.sent` | `mfa_required_soon` (the announcement), `mfa_reminder` (before the deadline), `mfa_overdue` |
 */
export function noticesFor(event: AuditEvent): Notice[] {
  const before = record(event.before);
  const after = record(event.after);
  const { actorId, accountId } = event;
  switch (event.type) {
    case 'mfa.enrolled': {
      // The event cannot say "added" or "replaced" by its type: `before.enrolled` says whether
      // the user had an app when the new one was confirmed.
      const kind = before.enrolled === true ? 'factor_replaced' : 'factor_added';
      return [{ audience: 'user', details: { kind, factor: { method: 'totp', name: null } } }];
    }
    case 'webauthn.registered':
      return [
        {
          audience: 'user',
          details: { kind: 'factor_added', factor: { method: 'webauthn', name: stringOr(after.name, null) } },
        },
      ];
    case 'mfa.removed':
      return [
        { audience: 'user', details: { kind: 'factor_removed', factor: { method: 'totp', name: null } } },
      ];
    case 'webauthn.removed':
      return [
        {
          audience: 'user',
          details: {
            kind: 'factor_removed',
            factor: { method: 'webauthn', name: stringOr(before.name, null) },
          },
        },
      ];
    case 'recovery_codes.regenerated': {
      const count = typeof after.remaining === 'number' ? after.remaining : null;
      return [{ audience: 'user', details: { kind: 'recovery_codes_regenerated', count } }];
    }
    case 'recovery_code.used':
      return [
        {
          audience: 'user',
          details: { kind: 'recovery_code_used', remaining: numberOr(after.remaining, 0) },
        },
      ];
    case 'mfa.reset': {
      // A reset of a user without MFA changed nothing: nobody hears of it.
      if (before.enrolled !== true) return [];
      const notices: Notice[] = [{ audience: 'user', kind: 'mfa_reset', actorId, accountId }];
      if (accountId !== null) notices.push({ audience: 'admins', kind: 'member_reset', actorId, accountId });
      return notices;
    }
    case 'device.remembered': {
      const expires = typeof after.expiresAt === 'string' ? new Date(after.expiresAt) : null;
      const expiresAt = expires && !Number.isNaN(expires.getTime()) ? expires : null;
      const label = stringOr(after.label, '');
      return [{ audience: 'user', details: { kind: 'device_remembered', label, expiresAt } }];
    }
    case 'challenge.locked':
      return [
        {
          audience: 'user',
          details: {
            kind: 'sign_in_paused',
            failures: numberOr(after.failures, 0),
            pausedForSeconds: numberOr(after.lockedForSeconds, 0),
          },
        },
      ];
    case 'policy.updated': {
      // A setting this version does not know of changed too: the admins hear of a change all the same.
      if (accountId === null || JSON.stringify(event.before) === JSON.stringify(event.after)) return [];
      const changes = policyChanges(event.before, event.after);
      return [{ audience: 'admins', kind: 'policy_changed', actorId, accountId, changes }];
    }
    case 'reminder.sent': {
      if (accountId === null) return [];
      const deadline = dateOr(after.deadline);
      const enforceFrom = dateOr(after.enforceFrom);
      const overdue = deadline !== null && deadline.getTime() <= event.at.getTime();
      const kind: RolloutKind =
        after.stage === 'announcement'
          ? 'mfa_required_soon'
          : after.stage === 'overdue' || overdue
            ? 'mfa_overdue'
            : 'mfa_reminder';
      return [{ audience: 'user', kind, accountId, deadline, enforceFrom }];
    }
    default:
      return [];
  }
}
