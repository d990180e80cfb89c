import type { MfaStrings } from './mfa-strings.ts';

/** `<mfa-challenge>`'s words (also the step-up inside the other elements). English; each element ships only the words it shows. */
export const challenge: Pick<
  MfaStrings,
  | 'challengeTitle'
  | 'usePasskey'
  | 'passkeyHint'
  | 'passkeyOnly'
  | 'useCode'
  | 'challengeHint'
  | 'recoveryCodeLabel'
  | 'recoveryCodeHint'
  | 'verify'
  | 'verified'
  | 'useRecoveryCode'
  | 'useApp'
  | 'recoveryCodeRequired'
  | 'rememberThisDevice'
  | 'confirmTitle'
> = {
  challengeTitle: 'Verify it is you',
  usePasskey: 'Use a passkey',
  passkeyHint: 'Use a passkey or security key you added to your account.',
  passkeyOnly: 'This account accepts only passkeys and security keys, or a recovery code.',
  useCode: 'Use an authentication code instead',
  challengeHint:
    'Enter the 6-digit code from your authenticator app (such as Google Authenticator or Microsoft Authenticator).',
  recoveryCodeLabel: 'Recovery code',
  recoveryCodeHint: 'Enter one of the recovery codes you saved when you set up MFA.',
  verify: 'Verify',
  verified: 'Verified.',
  useRecoveryCode: 'Use a recovery code instead',
  useApp: 'Use your authenticator app instead',
  recoveryCodeRequired: 'Too many failed attempts: verify with a recovery code.',
  rememberThisDevice: (days) => `Remember this device for ${days} ${days === 1 ? 'day' : 'days'}`,
  confirmTitle: (reason) => `Confirm it's you${reason ? ` to ${reason}` : ''}`,
};
