import type { MfaStrings } from './mfa-strings.ts';

/** `<mfa-nudge>`'s words, in English: all it shows, so that its page ships nothing more. */
export const nudge: Pick<
  MfaStrings,
  'nudgeLabel' | 'nudgeSetUp' | 'nudgeSetUpFrom' | 'nudgeSetUpLink' | 'nudgePasskey' | 'addPasskey' | 'notNow'
> = {
  nudgeLabel: 'Account security',
  nudgeSetUp: 'Protect your account with a second step at sign-in, so that a password alone is not enough.',
  nudgeSetUpFrom: (date) => `Your account will require MFA from ${date}: set it up now to be ready.`,
  nudgeSetUpLink: 'Set up MFA',
  nudgePasskey: 'Sign in with your fingerprint or face next time: add a passkey instead of typing codes.',
  addPasskey: 'Add a passkey',
  notNow: 'Not now',
};
