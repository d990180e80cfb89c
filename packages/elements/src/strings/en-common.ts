import type { MfaStrings } from './mfa-strings.ts';

/** What every element says: loading, errors, waits, the step-up. English; each element ships only the words it shows. */
export const common: Pick<
  MfaStrings,
  | 'loading'
  | 'retry'
  | 'save'
  | 'cancel'
  | 'stepUp'
  | 'verifyHere'
  | 'passkeysUnsupported'
  | 'passkeyCancelled'
  | 'codeLabel'
  | 'attemptsLeft'
  | 'waitSeconds'
  | 'waitMinutes'
  | 'waitOver'
  | 'lockedHelp'
  | 'errors'
> = {
  loading: 'Loading…',
  retry: 'Try again',
  save: 'Save',
  cancel: 'Cancel',
  stepUp: 'Verify it is you again to save this change: with a passkey or your authenticator app.',
  verifyHere: 'Verify it is you',
  passkeysUnsupported:
    'This browser cannot use passkeys or security keys. Open this page in a current Chrome, Edge, Firefox or Safari to add one.',
  passkeyCancelled: 'The passkey dialog was closed before it finished. Try again when you are ready.',
  codeLabel: 'Authentication code',
  attemptsLeft: (count) =>
    `That code is not valid. ${count} ${count === 1 ? 'attempt' : 'attempts'} left before a wait.`,
  waitSeconds: (seconds) =>
    `Too many attempts. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`,
  waitMinutes: (minutes) =>
    `Too many attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
  waitOver: 'You can try again now.',
  lockedHelp:
    'Lost your authenticator app? Use a recovery code instead once the wait is over, or ask an administrator of your account to reset your MFA.',
  errors: {
    network_error: 'The server could not be reached. Check your connection and try again.',
    unauthenticated: 'Your session has ended. Sign in again.',
    not_member: 'You are not a member of this account.',
    not_admin: 'Only an administrator of this account can do this.',
    invalid_code: 'That code is not valid.',
    invalid_credential: 'That passkey could not be verified. Try again or use another way.',
    challenge_expired: 'That took too long. Try again.',
    too_many_credentials: 'You have 10 passkeys and security keys, the most allowed. Remove one first.',
    webauthn_not_configured:
      'Passkeys are not set up for this site yet. Use your authenticator app, or ask the site.',
    not_enrolled: 'Multi-factor authentication is not set up.',
    unavailable: 'Multi-factor authentication is temporarily unavailable. Try again in a moment.',
    reminder_limit: 'Members of this account were reminded less than a day ago.',
    nothing_to_remind: 'Nobody to remind: this account’s policy does not require MFA.',
    fallback: 'Something went wrong. Try again.',
  },
};
