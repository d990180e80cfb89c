import type { PolicyMode } from '@mfakit/server-sdk';
import type { ClientErrorCode } from './client.ts';

/**
 * Every user-visible string of the elements. Pass a partial object as an
 * element's `strings` property to localise or reword; functions receive the
 * values to place and format them (with `Intl`, in the element's `lang`).
 */
export interface MfaStrings {
  modeLabels: Record<PolicyMode, string>;
  modeDescriptions: Record<PolicyMode, string>;
  loading: string;
  retry: string;
  settingsTitle: string;
  currentPolicy: string;
  manage: string;
  changedBy: (name: string, date: string) => string;
  neverChanged: string;
  compliance: (enrolled: number, members: number) => string;
  ssoCaution: (provider: string) => string;
  managerTitle: string;
  policyLegend: string;
  gracePeriod: string;
  gracePeriodHint: string;
  enforceAfterSso: string;
  enforceAfterSsoHint: string;
  impact: (count: number, days: number) => string;
  impactNone: string;
  impactDeadline: (name: string, deadline: string | null, days: number) => string;
  save: string;
  saving: string;
  cancel: string;
  saved: string;
  conflict: string;
  stepUp: string;
  setUpMfaFirst: string;
  enrollTitle: string;
  statusOn: (since: string) => string;
  statusOff: string;
  recoveryCodesLeft: (count: number) => string;
  recoveryCodesOutdated: string;
  setUp: string;
  replace: string;
  scanQr: string;
  qrAlt: string;
  manualKey: string;
  /** The button that opens the authenticator app on the device showing the page (a phone cannot scan itself). */
  openInApp: string;
  copy: string;
  copied: string;
  confirm: string;
  recoveryCodesTitle: string;
  recoveryCodesHint: string;
  download: string;
  savedCodes: string;
  done: string;
  regenerate: string;
  remove: string;
  removeConfirm: string;
  removed: string;
  requiredByTitle: string;
  requiredByNone: string;
  requiredByEntry: (account: string, deadline: string | null) => string;
  /** The grace period has ended: MFA is needed before the account can be entered again. */
  requiredByOverdue: (account: string, deadline: string) => string;
  requiredByPolicy: (accounts: string) => string;
  challengeTitle: string;
  codeLabel: string;
  /** Under the code label: where the code comes from. */
  challengeHint: string;
  recoveryCodeLabel: string;
  /** Under the recovery code label: which codes these are. */
  recoveryCodeHint: string;
  verify: string;
  verified: string;
  useRecoveryCode: string;
  useApp: string;
  attemptsLeft: (count: number) => string;
  waitSeconds: (seconds: number) => string;
  recoveryCodeRequired: string;
  errors: Partial<Record<ClientErrorCode, string>> & { fallback: string };
}

export const en: MfaStrings = {
  modeLabels: {
    optional: 'Optional',
    required_admins: 'Required for administrators',
    required_all: 'Required for all users',
  },
  modeDescriptions: {
    optional: 'Nobody is forced. Users may set up MFA in their profile; users who did are challenged.',
    required_admins: 'Administrators of this account must set up MFA to access it; other members may.',
    required_all: 'Every member must set up MFA to access this account.',
  },
  loading: 'Loading…',
  retry: 'Try again',
  settingsTitle: 'Multi-Factor Authentication',
  currentPolicy: 'Current policy',
  manage: 'Manage',
  changedBy: (name, date) => `Changed by ${name} on ${date}.`,
  neverChanged: 'The default policy; nobody has changed it.',
  compliance: (enrolled, members) =>
    `${enrolled} of ${members} ${members === 1 ? 'member has' : 'members have'} MFA set up.`,
  ssoCaution: (provider) =>
    `This account signs in through ${provider}. The identity provider's settings and procedures take precedence and override these MFA settings.`,
  managerTitle: 'Multi-factor authentication policy',
  policyLegend: 'Policy',
  gracePeriod: 'Grace period (days)',
  gracePeriodHint:
    'Members who have not set up MFA keep access this many days after the policy first applies to them.',
  enforceAfterSso: 'Also require MFA after Single Sign-On',
  enforceAfterSsoHint: 'Off: the identity provider decides. On: members are challenged here too.',
  impact: (count, days) =>
    `${count} ${count === 1 ? 'member has' : 'members have'} not set up MFA; they have ${days} ${days === 1 ? 'day' : 'days'}.`,
  impactNone: 'Everyone this policy applies to has MFA set up.',
  impactDeadline: (name, deadline, days) =>
    deadline
      ? `${name}: until ${deadline}`
      : `${name}: ${days} ${days === 1 ? 'day' : 'days'} from their next sign-in`,
  save: 'Save',
  saving: 'Saving…',
  cancel: 'Cancel',
  saved: 'Policy saved.',
  conflict:
    'Someone else changed this policy meanwhile. The current settings are shown; review them and save again.',
  stepUp: 'Verify with your authenticator app to save this change.',
  setUpMfaFirst: "Set up MFA in your profile before changing the account's policy.",
  enrollTitle: 'Multi-factor authentication',
  statusOn: (since) => `Authenticator app: on since ${since}.`,
  statusOff: 'Authenticator app: not set up.',
  recoveryCodesLeft: (count) => `${count} recovery ${count === 1 ? 'code' : 'codes'} left.`,
  recoveryCodesOutdated:
    'Your recovery codes were made under a security key that is being retired. Regenerate them to keep them working.',
  setUp: 'Set up',
  replace: 'Replace authenticator app',
  scanQr:
    'Scan this QR code with Google Authenticator, Microsoft Authenticator or another authenticator app, or type the key.',
  qrAlt: 'QR code',
  manualKey: 'Setup key',
  openInApp: 'Open in your authenticator app',
  copy: 'Copy',
  copied: 'Copied.',
  confirm: 'Confirm',
  recoveryCodesTitle: 'Recovery codes',
  recoveryCodesHint:
    'Each code signs you in once if you lose your phone. They are shown only now: copy or download them and keep them safe.',
  download: 'Download',
  savedCodes: 'I have saved these recovery codes',
  done: 'Done',
  regenerate: 'Regenerate recovery codes',
  remove: 'Remove MFA',
  removeConfirm: 'Yes, remove MFA',
  removed: 'MFA removed.',
  requiredByTitle: 'Required by',
  requiredByNone: 'No account requires MFA of you.',
  requiredByEntry: (account, deadline) => (deadline ? `${account}: set up by ${deadline}` : account),
  requiredByOverdue: (account, deadline) => `${account}: required now (the grace period ended ${deadline})`,
  requiredByPolicy: (accounts) => `You cannot remove MFA: ${accounts} requires it.`,
  challengeTitle: 'Verify it is you',
  codeLabel: 'Authentication code',
  challengeHint:
    'Enter the 6-digit code from your authenticator app (such as Google Authenticator or Microsoft Authenticator).',
  recoveryCodeLabel: 'Recovery code',
  recoveryCodeHint: 'Enter one of the recovery codes you saved when you set up MFA.',
  verify: 'Verify',
  verified: 'Verified.',
  useRecoveryCode: 'Use a recovery code instead',
  useApp: 'Use your authenticator app instead',
  attemptsLeft: (count) =>
    `That code is not valid. ${count} ${count === 1 ? 'attempt' : 'attempts'} left before a wait.`,
  waitSeconds: (seconds) =>
    `Too many attempts. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`,
  recoveryCodeRequired: 'Too many failed attempts: verify with a recovery code.',
  errors: {
    network_error: 'The server could not be reached. Check your connection and try again.',
    unauthenticated: 'Your session has ended. Sign in again.',
    not_member: 'You are not a member of this account.',
    not_admin: 'Only an administrator of this account can do this.',
    invalid_code: 'That code is not valid.',
    not_enrolled: 'Multi-factor authentication is not set up.',
    unavailable: 'Multi-factor authentication is temporarily unavailable. Try again in a moment.',
    fallback: 'Something went wrong. Try again.',
  },
};
