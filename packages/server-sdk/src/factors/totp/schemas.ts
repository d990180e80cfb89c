import { z } from 'zod';
import { isoDate, type Same } from '../../core/endpoint-schemas.ts';
import { recoveryCodeList } from '../recovery-codes/schemas.ts';
import type { TotpConfirmedResponse, TotpFactorResponse, TotpSetupResponse } from './responses.ts';

/** The request and response shapes of the authenticator app's endpoints. */

/** A 6-digit code as typed: spaces dropped. */
export const totpCode = z
  .string()
  .max(32)
  .transform((s) => s.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'A code is 6 digits.'));

export const confirmBody = z.strictObject({ code: totpCode });

export const totpSetupResponse = z.strictObject({
  otpauthUri: z.string().regex(/^otpauth:\/\/totp\//),
  qrSvg: z.string(),
  secret: z.string().regex(/^[A-Z2-7]+$/),
  expiresAt: isoDate,
});

export const totpConfirmedResponse = z.strictObject({
  recoveryCodes: recoveryCodeList().exactOptional(),
});

export const unenrolledResponse = z.strictObject({ enrolled: z.literal(false) });

/** The app as `GET /me` lists it among the user's factors. */
export const totpListing = z.strictObject({ type: z.literal('totp'), createdAt: isoDate });

const inStep: [
  Same<z.output<typeof totpSetupResponse>, TotpSetupResponse>,
  Same<z.output<typeof totpConfirmedResponse>, TotpConfirmedResponse>,
  Same<z.output<typeof totpListing>, TotpFactorResponse>,
] = [true, true, true];
void inStep;
