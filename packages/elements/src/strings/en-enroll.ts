import type { MfaStrings } from './mfa-strings.ts';

/** `<mfa-user-enroll>`'s words. English; each element ships only the words it shows. */
export const enroll: Pick<
  MfaStrings,
  | 'enrollTitle'
  | 'statusOn'
  | 'statusOff'
  | 'recoveryCodesLeft'
  | 'recoveryCodesOutdated'
  | 'setUp'
  | 'replace'
  | 'regenerate'
  | 'remove'
  | 'removeConfirm'
  | 'requiredLead'
  | 'requiredLeadPasskey'
  | 'recommendPasskey'
  | 'recommendApp'
  | 'requiredByTitle'
  | 'requiredByNone'
  | 'requiredByEntry'
  | 'requiredByOverdue'
  | 'requiredByReset'
  | 'requiredByPolicy'
  | 'requiredByPending'
  | 'passkeysTitle'
  | 'passkeysHint'
  | 'passkeysNone'
  | 'addPasskey'
  | 'passkeyDates'
  | 'passkeySynced'
  | 'rename'
  | 'removeOne'
  | 'renamePasskey'
  | 'removePasskey'
  | 'removePasskeyConfirm'
  | 'removePasskeyYes'
  | 'passkeyAdded'
  | 'passkeyRemoved'
  | 'passkeyExists'
  | 'requiredByPasskey'
  | 'devicesTitle'
  | 'devicesNone'
  | 'thisDevice'
  | 'deviceDates'
  | 'forget'
  | 'forgetAll'
  | 'deviceForgotten'
  | 'devicesForgotten'
> = {
  enrollTitle: 'Multi-factor authentication',
  statusOn: (since) => `Authenticator app: on since ${since}.`,
  statusOff: 'Authenticator app: not set up.',
  recoveryCodesLeft: (count) => `${count} recovery ${count === 1 ? 'code' : 'codes'} left.`,
  recoveryCodesOutdated:
    'Your recovery codes were made under a security key that is being retired. Regenerate them to keep them working.',
  setUp: 'Set up',
  replace: 'Replace authenticator app',
  regenerate: 'Regenerate recovery codes',
  remove: 'Remove authenticator app',
  removeConfirm: 'Yes, remove the app',
  requiredLead: (account, deadline, from) =>
    `${account} ${from ? `will require two-factor authentication from ${from}` : 'requires two-factor authentication'}: set it up ${deadline ? `by ${deadline}` : 'now'}.`,
  requiredLeadPasskey: (account, deadline, from) =>
    `${account} ${from ? `will accept only passkeys and security keys from ${from}` : 'accepts only passkeys and security keys'}: add one ${deadline ? `by ${deadline}` : 'now'}.`,
  recommendPasskey: 'We recommend a passkey: you verify with your fingerprint, face or screen lock.',
  recommendApp: 'We recommend an authenticator app on your phone.',
  requiredByTitle: 'Required by',
  requiredByNone: 'No account requires MFA of you.',
  requiredByEntry: (account, deadline) => (deadline ? `${account}: set up by ${deadline}` : account),
  requiredByOverdue: (account, deadline) => `${account}: required now (the grace period ended ${deadline})`,
  requiredByReset: (account, date) => `${account}: your MFA was reset on ${date} — set it up now`,
  requiredByPolicy: (accounts) => `You cannot remove it: ${accounts} requires MFA.`,
  requiredByPending: (account, from, deadline) => `${account}: from ${from} — set up by ${deadline}`,
  passkeysTitle: 'Passkeys and security keys',
  passkeysHint:
    'Verify with your fingerprint, face, screen lock or a security key. Passkeys cannot be phished.',
  passkeysNone: 'No passkeys or security keys yet.',
  addPasskey: 'Add a passkey',
  passkeyDates: (created, lastUsed) =>
    `Added ${created} · ${lastUsed ? `last used ${lastUsed}` : 'never used'}`,
  passkeySynced: 'Synced',
  rename: 'Rename',
  removeOne: 'Remove',
  renamePasskey: (name) => `Rename ${name}`,
  removePasskey: (name) => `Remove ${name}`,
  removePasskeyConfirm: (name) => `Remove ${name}? You can no longer verify with it.`,
  removePasskeyYes: 'Yes, remove it',
  passkeyAdded: 'Passkey added.',
  passkeyRemoved: 'Passkey removed.',
  passkeyExists: 'This device or security key already holds a passkey for your account.',
  requiredByPasskey: (account) => `${account} accepts only passkeys and security keys.`,
  devicesTitle: 'Remembered devices',
  devicesNone:
    'No remembered devices. Choose "Remember this device" when you verify to skip the second step on that browser.',
  thisDevice: 'This device',
  deviceDates: (since, lastUsed) =>
    `Remembered since ${since} · ${lastUsed ? `last used ${lastUsed}` : 'not used yet'}`,
  forget: 'Forget',
  forgetAll: 'Forget all devices',
  deviceForgotten: 'Device forgotten: it will be asked for the second step again.',
  devicesForgotten: 'All devices forgotten: each will be asked for the second step again.',
};
