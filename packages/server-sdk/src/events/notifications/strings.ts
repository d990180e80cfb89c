import type { AllowedFactors, PolicyMode } from '../../model.ts';
import type { Actor, FactorInfo, PolicyChange } from './messages.ts';

/**
 * Every word of the security notifications, in one language. Give `notificationSubscriber`
 * a partial object per language (`strings: { en: {...}, de: {...} }`) to reword any of them;
 * functions receive the values to place. Bodies answer paragraphs of plain text: the text
 * message joins them, the HTML message escapes each into a `<p>`. `when` is the event's time
 * as `dateTime` writes it.
 */
export interface NotificationStrings {
  /** The first line, to the recipient by display name. */
  greeting: (displayName: string) => string;
  /** The event's time, as bodies place it (`when`). */
  dateTime: (at: Date) => string;
  /** A pause, as `signInPausedBody` places it: "30 seconds", "8 minutes". */
  duration: (seconds: number) => string;
  /** Who did it, as the agent of a passive sentence ("… was reset by Ada"): the bodies' `by`. */
  actor: (by: Actor) => string;
  /** After a message on a change the user may have made themselves: what to do if they did not. */
  notYou: string;
  /** The link to the host's profile page (`profileUrl`): its text in HTML, its label before the URL in text. */
  profileLink: string;
  /** The last line of a message to the user. */
  footer: string;
  /** The last line of a message to an administrator. */
  adminFooter: (account: string) => string;

  factorAddedSubject: (factor: FactorInfo) => string;
  factorAddedBody: (factor: FactorInfo, when: string) => string[];
  /** Only the app is replaced (a passkey is added beside the others). */
  factorReplacedSubject: (factor: FactorInfo) => string;
  factorReplacedBody: (factor: FactorInfo, when: string) => string[];
  factorRemovedSubject: (factor: FactorInfo) => string;
  factorRemovedBody: (factor: FactorInfo, when: string) => string[];
  recoveryCodesRegeneratedSubject: string;
  recoveryCodesRegeneratedBody: (count: number | null, when: string) => string[];
  recoveryCodeUsedSubject: (remaining: number) => string;
  recoveryCodeUsedBody: (remaining: number, when: string) => string[];
  /** Added after `recoveryCodeUsedBody` when 3 or fewer codes are left; shown strong in HTML. */
  recoveryCodesLow: (remaining: number) => string;
  mfaResetSubject: string;
  /** `account`: the account whose administrator reset it, `null` for the portal's support. */
  mfaResetBody: (by: string, account: string | null, when: string) => string[];
  deviceRememberedSubject: string;
  deviceRememberedBody: (label: string, expiresAt: string | null, when: string) => string[];
  signInPausedSubject: string;
  signInPausedBody: (failures: number, pausedFor: string, when: string) => string[];
  memberResetSubject: (member: string, account: string) => string;
  memberResetBody: (member: string, by: string, account: string, when: string) => string[];
  policyChangedSubject: (account: string) => string;
  /** The opening paragraph; each change follows as a line of its own (`policyChange`). */
  policyChangedBody: (by: string, account: string, when: string) => string[];
  /** One changed setting; `s` are the strings in use (their `modeLabels`, `allowedFactorsLabels`). */
  policyChange: (change: PolicyChange, s: NotificationStrings) => string;
  /** When no setting this version knows of changed (a newer one did). */
  policyChangedOther: string;
  /** The announcement of a requiring policy; `from`: its start date when announced ahead. */
  mfaRequiredSoonSubject: (account: string) => string;
  mfaRequiredSoonBody: (account: string, from: string | null, deadline: string | null) => string[];
  mfaReminderSubject: (account: string) => string;
  mfaReminderBody: (account: string, deadline: string | null) => string[];
  mfaOverdueSubject: (account: string) => string;
  mfaOverdueBody: (account: string) => string[];
  modeLabels: Record<PolicyMode, string>;
  allowedFactorsLabels: Record<AllowedFactors, string>;
}

const numbers = new Intl.NumberFormat('en');
const plurals = new Intl.PluralRules('en');
const dates = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/** A count with its noun in the right number: `count(1, 'code', 'codes')` → "1 code". */
const count = (n: number, one: string, other: string) =>
  `${numbers.format(n)} ${plurals.select(n) === 'one' ? one : other}`;

/** "the authenticator app", "the passkey “YubiKey”", "a passkey or security key". */
const factorName = (f: FactorInfo) =>
  f.method === 'totp'
    ? 'an authenticator app'
    : f.name
      ? `the passkey “${f.name}”`
      : 'a passkey or security key';

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** English, every string: the default. */
export const en: NotificationStrings = {
  greeting: (name) => `Hello ${name},`,
  dateTime: (at) => `${dates.format(at)} UTC`,
  duration: (seconds) =>
    seconds < 60
      ? count(Math.max(1, Math.round(seconds)), 'second', 'seconds')
      : seconds < 3600
        ? count(Math.round(seconds / 60), 'minute', 'minutes')
        : count(Math.round(seconds / 3600), 'hour', 'hours'),
  actor: (by) =>
    by === 'you'
      ? 'by you'
      : by === 'support'
        ? "by the portal's support"
        : by === 'someone'
          ? 'by an administrator'
          : `by ${by.name}`,
  notYou: 'If this was not you, sign in and review your sign-in security at once, and change your password.',
  profileLink: 'Review your sign-in security',
  footer: 'You receive this message because it concerns the security of your sign-in.',
  adminFooter: (account) => `You receive this message as an administrator of ${account}.`,

  factorAddedSubject: (f) =>
    f.method === 'totp'
      ? 'An authenticator app was added to your sign-in'
      : 'A passkey was added to your sign-in',
  factorAddedBody: (f, when) => [
    `${capitalised(factorName(f))} was added as a second factor to your sign-in on ${when}.`,
  ],
  factorReplacedSubject: () => 'Your authenticator app was replaced',
  factorReplacedBody: (_f, when) => [
    `Your authenticator app was replaced by a new one on ${when}. Codes from the previous app no longer work, and your other devices must verify again.`,
  ],
  factorRemovedSubject: (f) =>
    f.method === 'totp' ? 'Your authenticator app was removed' : 'A passkey was removed from your sign-in',
  factorRemovedBody: (f, when) => [
    f.method === 'totp'
      ? `Your authenticator app was removed from your sign-in on ${when}; its codes no longer work.`
      : `${capitalised(factorName(f))} was removed from your sign-in on ${when}; it no longer works.`,
  ],
  recoveryCodesRegeneratedSubject: 'New recovery codes were created',
  recoveryCodesRegeneratedBody: (n, when) => [
    `${n === null ? 'New recovery codes were' : `${count(n, 'new recovery code was', 'new recovery codes were')}`} created for your sign-in on ${when}. Your previous recovery codes no longer work.`,
  ],
  recoveryCodeUsedSubject: (remaining) =>
    remaining <= 3 ? 'A recovery code was used: few codes left' : 'A recovery code was used to sign in',
  recoveryCodeUsedBody: (remaining, when) => [
    `A recovery code was used to sign in on ${when}. Each code works once: you have ${count(remaining, 'recovery code', 'recovery codes')} left.`,
  ],
  recoveryCodesLow: (remaining) =>
    remaining === 0
      ? 'You have no recovery codes left. Create new ones now, so you can still sign in if you lose your second factor.'
      : `Only ${count(remaining, 'code is', 'codes are')} left. Create new recovery codes soon, so you can still sign in if you lose your second factor.`,
  mfaResetSubject: 'Your multi-factor authentication was reset',
  mfaResetBody: (by, account, when) => [
    `Your multi-factor authentication${account ? ` for ${account}` : ''} was reset ${by} on ${when}. Your authenticator app, passkeys and recovery codes were removed, and your devices must sign in again.`,
    'Set up multi-factor authentication again when you next sign in. If you did not ask for this, contact your administrator.',
  ],
  deviceRememberedSubject: 'A device was remembered for your sign-in',
  deviceRememberedBody: (label, expiresAt, when) => [
    `${label || 'A device'} was remembered on ${when}: signing in there will not ask for your second factor${expiresAt ? ` until ${expiresAt}` : ''}.`,
    'You can forget remembered devices in your profile.',
  ],
  signInPausedSubject: 'Sign-in paused after failed attempts',
  signInPausedBody: (failures, pausedFor, when) => [
    `Someone failed ${count(failures, 'time', 'times')} in a row to verify a sign-in to your account with a second factor, most recently on ${when}. Verifying is paused for ${pausedFor}.`,
    'If this was not you, someone may know your password: change it.',
  ],
  memberResetSubject: (member, account) => `${member}'s multi-factor authentication was reset in ${account}`,
  memberResetBody: (member, by, account, when) => [
    `The multi-factor authentication of ${member} in ${account} was reset ${by} on ${when}. ${member} must set it up again when they next sign in.`,
    'If you do not recognise this change, check with the other administrators of the account.',
  ],
  policyChangedSubject: (account) => `The MFA policy of ${account} was changed`,
  policyChangedBody: (by, account, when) => [
    `The multi-factor authentication policy of ${account} was changed ${by} on ${when}:`,
  ],
  policyChange: (change, s) => {
    switch (change.setting) {
      case 'mode':
        return `MFA: from “${s.modeLabels[change.from]}” to “${s.modeLabels[change.to]}”`;
      case 'allowedFactors':
        return `Accepted methods: from “${s.allowedFactorsLabels[change.from]}” to “${s.allowedFactorsLabels[change.to]}”`;
      case 'gracePeriodDays':
        return `Grace period: from ${count(change.from, 'day', 'days')} to ${count(change.to, 'day', 'days')}`;
      case 'rememberDeviceDays':
        return `Remember devices for: from ${count(change.from, 'day', 'days')} to ${count(change.to, 'day', 'days')}`;
      case 'enforceAfterSso':
        return change.to
          ? 'MFA is now also required after Single Sign-On'
          : 'MFA is no longer required after Single Sign-On';
      case 'enforceFrom':
        return change.to ? `Required from ${s.dateTime(change.to)}` : 'Required at once, with no start date';
    }
  },
  policyChangedOther: 'Other settings of the policy changed.',
  mfaRequiredSoonSubject: (account) => `${account} requires multi-factor authentication`,
  mfaRequiredSoonBody: (account, from, deadline) => [
    from
      ? `${account} will require multi-factor authentication to sign in from ${from}.`
      : `${account} now requires multi-factor authentication to sign in.`,
    `Set it up in your profile${deadline ? ` by ${deadline}` : ''}: with an authenticator app, or a passkey. It takes a minute. After that date you cannot access ${account} until you have set it up.`,
  ],
  mfaReminderSubject: (account) => `Reminder: set up multi-factor authentication for ${account}`,
  mfaReminderBody: (account, deadline) => [
    `You have not set up multi-factor authentication yet. ${account} requires it${deadline ? ` from ${deadline}` : ''}: after that you cannot access it until you have set it up.`,
    'It takes a minute in your profile, with an authenticator app or a passkey.',
  ],
  mfaOverdueSubject: (account) => `Set up multi-factor authentication to access ${account}`,
  mfaOverdueBody: (account) => [
    `${account} requires multi-factor authentication, and the time to set it up has ended. You will be asked to set it up when you next sign in to ${account}.`,
  ],
  modeLabels: {
    optional: 'Optional',
    required_admins: 'Required for administrators',
    required_all: 'Required for all users',
  },
  allowedFactorsLabels: {
    any: 'Any method',
    phishing_resistant: 'Phishing-resistant only',
  },
};
