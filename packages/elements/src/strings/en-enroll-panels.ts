import type { MfaStrings } from '../strings.ts';

/** The words of `<mfa-user-enroll>`'s setup and recovery-code panels, loaded with them. English; each element ships only the words it shows. */
export const enrollPanels: Pick<
  MfaStrings,
  | 'scanQr'
  | 'qrAlt'
  | 'manualKey'
  | 'openInApp'
  | 'copyKey'
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
> = {
  scanQr:
    'Scan this QR code with Google Authenticator, Microsoft Authenticator or another authenticator app, or type the key.',
  qrAlt: 'QR code',
  manualKey: 'Setup key',
  openInApp: 'Open in your authenticator app',
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
};
