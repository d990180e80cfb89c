/** The app's answers in the HTTP API (types only: the elements' client declares its calls with them). */

export interface TotpSetupResponse {
  otpauthUri: string;
  qrSvg: string;
  /** Unpadded upper-case RFC 4648 base32. */
  secret: string;
  expiresAt: string;
}

/** `POST /me/totp/confirm`: the recovery codes, unless the user has a passkey and keeps theirs. */
export interface TotpConfirmedResponse {
  recoveryCodes?: string[];
}

/** The app among `GET /me`'s factors. */
export interface TotpFactorResponse {
  type: 'totp';
  createdAt: string;
}
