import type { MfaStrings } from './mfa-strings.ts';

/** `<mfa-settings>`' and `<mfa-policy-manager>`'s words. English; each element ships only the words it shows. */
export const policy: Pick<
  MfaStrings,
  | 'modeLabels'
  | 'modeDescriptions'
  | 'allowedFactorsLabels'
  | 'allowedFactorsDescriptions'
  | 'settingsTitle'
  | 'currentPolicy'
  | 'manage'
  | 'changedBy'
  | 'neverChanged'
  | 'compliance'
  | 'compliancePhishingResistant'
  | 'ssoCaution'
  | 'ssoSummary'
  | 'graceSummary'
  | 'enforceFromSummary'
  | 'enforceFromYou'
  | 'enforceFrom'
  | 'enforceFromHint'
  | 'enforceFromInvalid'
  | 'impactFrom'
  | 'impactFromPhishingResistant'
  | 'daysInvalid'
  | 'adminNeedsMfa'
  | 'adminNeedsMfaLink'
  | 'impactReset'
  | 'close'
  | 'managerTitle'
  | 'policyLegend'
  | 'gracePeriod'
  | 'gracePeriodHint'
  | 'enforceAfterSso'
  | 'enforceAfterSsoHint'
  | 'impact'
  | 'impactNone'
  | 'impactPhishingResistant'
  | 'allowedFactorsLegend'
  | 'impactDeadline'
  | 'saving'
  | 'saved'
  | 'conflict'
  | 'setUpMfaFirst'
  | 'rememberDevice'
  | 'rememberDeviceHint'
  | 'rememberDeviceSummary'
> = {
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
  allowedFactorsLabels: {
    any: 'Any method',
    phishing_resistant: 'Phishing-resistant only',
  },
  allowedFactorsDescriptions: {
    any: 'Authenticator apps, passkeys and security keys.',
    phishing_resistant:
      'Passkeys and security keys only: they cannot be phished. Members with only an authenticator app must add one.',
  },
  settingsTitle: 'Multi-Factor Authentication',
  currentPolicy: 'Current policy',
  manage: 'Manage',
  changedBy: (name, date) => `Changed by ${name} on ${date}.`,
  neverChanged: 'The default policy; nobody has changed it.',
  compliance: (enrolled, members) =>
    `${enrolled} of ${members} ${members === 1 ? 'member has' : 'members have'} MFA set up.`,
  compliancePhishingResistant: (withPasskey, members) =>
    `${withPasskey} of ${members} ${members === 1 ? 'member has' : 'members have'} a passkey or security key.`,
  ssoCaution: (provider) =>
    `Members who sign in through ${provider} follow its sign-in rules; these settings apply to their other sign-ins, unless you also require MFA after Single Sign-On below.`,
  ssoSummary: (provider, alsoAfterSso) =>
    `Members who sign in through ${provider} ${alsoAfterSso ? 'must use MFA here too.' : 'follow its sign-in rules; these settings apply to their other sign-ins.'}`,
  graceSummary: (days) =>
    `Members who must set up MFA have ${days} ${days === 1 ? 'day' : 'days'} to do so (grace period).`,
  enforceFromSummary: (policy, date, pending) =>
    pending ? `${policy} from ${date}.` : `Enforced since ${date}.`,
  enforceFromYou: (date, deadline) =>
    `From ${date} this account requires MFA of you too: set it up by ${deadline}.`,
  enforceFrom: 'Start enforcing on',
  enforceFromHint:
    'Optional. Until then nothing is enforced and members are told it is coming; the grace period starts on this day.',
  enforceFromInvalid: (last) => `Choose a day from tomorrow to ${last}, or leave it empty`,
  daysInvalid: (max) => `Enter 0 to ${max} days`,
  adminNeedsMfa: 'Only administrators who use MFA can change this policy. Set up MFA in your profile first.',
  adminNeedsMfaLink: 'Set up MFA in your profile',
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
  impactFrom: (count, from, deadline) =>
    `From ${from}, ${count} ${count === 1 ? 'member' : 'members'} without MFA will have to set it up (by ${deadline}).`,
  impactFromPhishingResistant: (count, from, deadline) =>
    `From ${from}, ${count} ${count === 1 ? 'member' : 'members'} without a passkey or security key will have to add one (by ${deadline}).`,
  impactPhishingResistant: (count, days) =>
    `${count} ${count === 1 ? 'member has' : 'members have'} no passkey or security key; they have ${days} ${days === 1 ? 'day' : 'days'}.`,
  allowedFactorsLegend: 'Accepted methods',
  impactDeadline: (name, deadline, days) =>
    deadline
      ? `${name}: until ${deadline}`
      : `${name}: ${days} ${days === 1 ? 'day' : 'days'} from their next sign-in`,
  impactReset: (name) => `${name}: must set up at next sign-in`,
  close: 'Close',
  saving: 'Saving…',
  saved: 'Policy saved.',
  conflict:
    'Someone else changed this policy meanwhile. The current settings are shown; review them and save again.',
  setUpMfaFirst: "Set up MFA in your profile before changing the account's policy.",
  rememberDevice: 'Let members skip the second step on a device for this many days',
  rememberDeviceSummary: (days) =>
    `Members may skip the second step on a remembered device for ${days} ${days === 1 ? 'day' : 'days'}.`,
  rememberDeviceHint: '0 to 30; 0: never. Members choose "Remember this device" when they verify.',
};
