import type { MfaStrings } from './mfa-strings.ts';

/** The words of `<mfa-user-enroll>`'s panels and of the actions only they start, loaded with them. English; each element ships only the words it shows. */
export const enrollPanels: Pick<
  MfaStrings,
  | 'scanQr'
  | 'qrAlt'
  | 'manualKey'
  | 'openInApp'
  | 'copyKey'
  | 'passkeyName'
  | 'passkeyNameHint'
  | 'passkeyDefaultName'
  | 'continue'
  | 'removeAppKeeps'
  | 'removeAppLeavesNone'
  | 'removeAppRefused'
  | 'stepUpFor'
  | 'copyCodes'
  | 'print'
  | 'recoveryCodesFor'
  | 'copied'
  | 'confirm'
  | 'recoveryCodesTitle'
  | 'recoveryCodesHint'
  | 'download'
  | 'savedCodes'
  | 'done'
  | 'appAdded'
  | 'removed'
  | 'passkeyRenamed'
  | 'mfaOn'
> = {
  scanQr:
    'Scan this QR code with Google Authenticator, Microsoft Authenticator or another authenticator app, or type the key.',
  qrAlt: 'QR code',
  manualKey: 'Setup key',
  openInApp: 'Open in your authenticator app',
  removeAppKeeps: (n) => `You will sign in with your ${n === 1 ? 'passkey' : `${n} passkeys`}.`,
  removeAppLeavesNone:
    'You will have no second factor; accounts that require MFA will ask you to set one up.',
  removeAppRefused: (accounts) => `${accounts} requires MFA: add a passkey before you remove the app.`,
  stepUpFor: {
    setup: 'Verify it is you to set up a new authenticator app.',
    regenerate: 'Verify it is you to make new recovery codes.',
    remove: 'Verify it is you to remove the authenticator app.',
    'add-passkey': 'Verify it is you to add a passkey.',
    'remove-passkey': 'Verify it is you to remove this passkey.',
  },
  passkeyName: 'Passkey name',
  passkeyNameHint: 'To tell your passkeys apart, such as "Work laptop" or "YubiKey".',
  passkeyDefaultName: 'My passkey',
  continue: 'Continue',
  copyKey: 'Copy key',
  copyCodes: 'Copy recovery codes',
  print: 'Print',
  recoveryCodesFor: (site, user, date) =>
    `Recovery codes for ${site}\n${user ? `${user}\n` : ''}Made ${date}`,
  copied: 'Copied.',
  confirm: 'Confirm',
  recoveryCodesTitle: 'Recovery codes',
  recoveryCodesHint:
    'Each code signs you in once if you lose your phone. They are shown only now: copy or download them and keep them safe.',
  download: 'Download',
  savedCodes: 'I have saved these recovery codes',
  done: 'Done',
  appAdded: 'Authenticator app added. Your recovery codes stay the ones you saved.',
  removed: 'Authenticator app removed.',
  passkeyRenamed: 'Passkey renamed.',
  mfaOn: 'Two-factor authentication is on.',
};
