import { counterToBytes, dynamicTruncate, truncateDigits } from '@otplib/core';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { generateURI } from 'otplib';
import QRCode from 'qrcode';
import { fromBase32, toBase32 } from '../../crypto/encoding.ts';

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

/** HMAC and its comparison through `node:crypto`, synchronously (otplib's Node plugin). */
const nodeCrypto = new NodeCryptoPlugin();

/**
 * The time step a 6-digit code is for, trying the previous, the current and the
 * next step at `now`; `null` when it is for none of them. RFC 6238 through otplib's
 * parts (its counter encoding, dynamic truncation and its Node plugin's HMAC and
 * constant-time comparison), without its option checks on every call: the secret is
 * decoded once, every step's code is computed and compared, whichever matches.
 * Whether the step was used before is the store's to say, atomically (`settleAttempt`).
 */
export function matchTotp(secret: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = fromBase32(secret);
  const current = timeStepAt(now);
  let matched: number | null = null;
  for (const step of [current - 1, current, current + 1]) {
    const generated = truncateDigits(
      dynamicTruncate(nodeCrypto.hmac('sha1', key, counterToBytes(step))),
      TOTP_DIGITS,
    );
    if (nodeCrypto.constantTimeEqual(generated, code) && matched === null) matched = step;
  }
  return matched;
}
