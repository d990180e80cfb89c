import { generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { toBase32 } from '../crypto/encoding.ts';

/** RFC 6238 parameters: SHA-1, 6 digits, 30-second steps, ±1 step of clock drift. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_SECRET_BYTES = 20;

/** A fresh 160-bit secret as unpadded upper-case RFC 4648 base32. */
export function generateTotpSecret(): string {
  return toBase32(crypto.getRandomValues(new Uint8Array(TOTP_SECRET_BYTES)));
}

/**
 * The Key URI an authenticator app scans: the issuer both in the label
 * (`Issuer:account`) and in the `issuer` parameter, as Google Authenticator wants.
 */
export function totpUri(issuer: string, accountName: string, secret: string): string {
  return generateURI({
    issuer,
    label: accountName,
    secret,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

/** The QR code of `text` as a standalone SVG document: black on white with a 4-module quiet zone. */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
    color: { dark: '#000000ff', light: '#ffffffff' },
  });
}

export function timeStepAt(date: Date): number {
  return Math.floor(date.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

export type TotpCheck = { valid: true; timeStep: number } | { valid: false; replayed: boolean };

/**
 * The time step a 6-digit code is for, trying the previous, the current and the
 * next step at `now`; `null` when it is for none of them.
 */
export async function matchTotp(secret: string, code: string, now: Date): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOTP_PERIOD_SECONDS,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
  return result.valid && 'timeStep' in result ? Number(result.timeStep) : null;
}

/**
 * Checks a 6-digit code against a secret at `now` (see `matchTotp`). A code whose
 * step is at or before `lastUsedStep` is refused and reported as replayed. The
 * caller must still consume the step atomically in the store: this check alone
 * does not stop two concurrent uses.
 */
export async function checkTotp(
  secret: string,
  code: string,
  now: Date,
  lastUsedStep: number | null,
): Promise<TotpCheck> {
  const timeStep = await matchTotp(secret, code, now);
  if (timeStep === null) return { valid: false, replayed: false };
  if (lastUsedStep !== null && timeStep <= lastUsedStep) return { valid: false, replayed: true };
  return { valid: true, timeStep };
}
