import type { MfaStrings } from './mfa-strings.ts';

/** The words of `<mfa-audit-log>`, in English: each event as a sentence. */
export const audit: Pick<
  MfaStrings,
  | 'modeLabels'
  | 'allowedFactorsLabels'
  | 'auditLoaded'
  | 'auditChanges'
  | 'auditTitle'
  | 'auditFilter'
  | 'auditKinds'
  | 'auditEmpty'
  | 'auditSomeone'
  | 'auditSupport'
  | 'auditSentences'
  | 'loadMore'
  | 'exportCsv'
> = {
  modeLabels: {
    optional: 'Optional',
    required_admins: 'Required for administrators',
    required_all: 'Required for all users',
  },
  allowedFactorsLabels: {
    any: 'Any method',
    phishing_resistant: 'Phishing-resistant only',
  },
  auditTitle: 'Activity',
  auditFilter: 'Show',
  auditKinds: { all: 'All', policy: 'Policy', enrollment: 'Enrollment', failures: 'Sign-in failures' },
  auditEmpty: 'No activity yet.',
  auditLoaded: (count) => `${count} older ${count === 1 ? 'event' : 'events'} loaded.`,
  auditSomeone: 'A former member',
  auditSupport: "The portal's support",
  auditSentences: {
    policyMode: (actor, from, to, start) =>
      `${actor} changed the policy from ${from} to ${to}${start ? ` from ${start}` : ''}`,
    policySettings: (actor) => `${actor} changed the policy's settings`,
    policyChanged: (actor, changes) => `${actor} changed the policy: ${changes.join('; ')}`,
    enrolled: (user) => `${user} set up an authenticator app`,
    removed: (user) => `${user} removed their authenticator app`,
    reset: (actor, user) => `${actor} reset the MFA of ${user}`,
    regenerated: (user) => `${user} made new recovery codes`,
    recoveryUsed: (user, left) => `${user} used a recovery code; ${left} left`,
    failed: (user, count) =>
      count === 1 ? `${user} entered a wrong code` : `${user} entered ${count} wrong codes`,
    replayed: (user) => `A code of ${user} was used a second time and refused`,
    locked: (user, failures, seconds) =>
      `${failures} failed codes for ${user}; locked for ${seconds} ${seconds === 1 ? 'second' : 'seconds'}`,
    passkeyAdded: (user, name) => `${user} added the passkey “${name}”`,
    passkeyRenamed: (user, from, to) => `${user} renamed the passkey “${from}” to “${to}”`,
    passkeyRemoved: (user) => `${user} removed a passkey`,
    policyRemember: (actor, days) =>
      days
        ? `${actor} let members skip the second step on a device for ${days} ${days === 1 ? 'day' : 'days'}`
        : `${actor} stopped remembering devices`,
    deviceRemembered: (user, label) => `${user} chose to remember the device “${label}”`,
    deviceForgotten: (user, label) =>
      label ? `${user} forgot the device “${label}”` : `${user} forgot all remembered devices`,
    reminded: (actor, user) => `${actor} reminded ${user} to set up MFA`,
    remindedAuto: (user) => `${user} was reminded to set up MFA`,
  },
  auditChanges: {
    mode: (from, to) => `policy from ${from} to ${to}`,
    gracePeriod: (from, to) => `grace period from ${from} to ${to} ${to === 1 ? 'day' : 'days'}`,
    allowedFactors: (from, to) => `accepted methods from ${from} to ${to}`,
    enforceAfterSso: (on) =>
      on ? 'MFA now also required after Single Sign-On' : 'MFA no longer required after Single Sign-On',
    rememberDevice: (from, to) => `remembered devices from ${from} to ${to} ${to === 1 ? 'day' : 'days'}`,
    enforceFrom: (date) => (date ? `enforced from ${date}` : 'enforced at once, with no start date'),
  },
  loadMore: 'Load more',
  exportCsv: 'Export CSV',
};
