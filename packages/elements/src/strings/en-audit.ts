import type { MfaStrings } from '../strings.ts';

/** The words of `<mfa-audit-log>`, in English: each event as a sentence. */
export const audit: Pick<
  MfaStrings,
  | 'modeLabels'
  | 'auditTitle'
  | 'auditFilter'
  | 'auditKinds'
  | 'auditEmpty'
  | 'auditSomeone'
  | 'auditSupport'
  | 'auditSentences'
  | 'loadMore'
> = {
  modeLabels: {
    optional: 'Optional',
    required_admins: 'Required for administrators',
    required_all: 'Required for all users',
  },
  auditTitle: 'Activity',
  auditFilter: 'Show',
  auditKinds: { all: 'All', policy: 'Policy', enrollment: 'Enrollment', failures: 'Sign-in failures' },
  auditEmpty: 'No activity yet.',
  auditSomeone: 'A former member',
  auditSupport: "The portal's support",
  auditSentences: {
    policyMode: (actor, from, to) => `${actor} changed the policy from ${from} to ${to}`,
    policySettings: (actor) => `${actor} changed the policy's settings`,
    enrolled: (user) => `${user} set up an authenticator app`,
    removed: (user) => `${user} removed their authenticator app`,
    reset: (actor, user) => `${actor} reset the MFA of ${user}`,
    regenerated: (user) => `${user} made new recovery codes`,
    recoveryUsed: (user, left) => `${user} used a recovery code; ${left} left`,
    failed: (user, failures) => `A wrong code for ${user} (${failures} in a row)`,
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
  },
  loadMore: 'Load more',
};
