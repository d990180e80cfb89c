import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { decodeMembersCursor, memberStatuses } from '../admin/members-page.ts';
import { allowedFactorsValues, MAX_REMEMBER_DEVICE_DAYS, policyModes } from '../model.ts';

/** Ids the host chooses: any printable text without slashes, up to 200 characters (no control characters: PostgreSQL cannot store NUL). */
export const ID_PATTERN = /^[^/\s\p{Cc}]+$/u;
export const ID_MAX_LENGTH = 200;
export const id = z
  .string()
  .min(1)
  .max(ID_MAX_LENGTH)
  .regex(ID_PATTERN, 'An id has no spaces, slashes or control characters.');

export const accountParams = z.strictObject({ accountId: id });
export const memberParams = z.strictObject({ accountId: id, userId: id });
export const noParams = z.strictObject({});
export const noQuery = z.strictObject({});

/** "no body or {}" */
export const emptyBody = z.strictObject({}).optional();

export const policyUpdateBody = z.strictObject({
  mode: z.enum(policyModes),
  gracePeriodDays: z.number().int().min(0).max(90).default(7),
  enforceAfterSso: z.boolean().default(false),
  // Absent: the account keeps what it accepts (a client that does not know the setting
  // must not loosen it by leaving it out).
  allowedFactors: z.enum(allowedFactorsValues).optional(),
  // Absent: the account keeps it, for the same reason.
  rememberDeviceDays: z.number().int().min(0).max(MAX_REMEMBER_DEVICE_DAYS).optional(),
  version: z.number().int().min(0).optional(),
});

const totpCode = z
  .string()
  .max(32)
  .transform((s) => s.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'A code is 6 digits.'));

const recoveryCode = z
  .string()
  .max(64)
  .transform((s) => s.toLowerCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[a-z2-7]{10}$/, 'A recovery code is 10 letters and digits.'));

export const confirmBody = z.strictObject({ code: totpCode });

/** base64url without padding, as WebAuthn's JSON encodes bytes. */
const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'Not base64url.');

/** A credential id: at most 1023 bytes (WebAuthn), 1364 base64url characters. */
export const credentialId = base64url(1364);

/**
 * What the browser's `PublicKeyCredential.toJSON()` gives. The credential's own fields are
 * strict; inside `response` and `clientExtensionResults`, fields the browser or authenticator
 * adds beyond the ones read here are dropped, not refused (WebAuthn grows them).
 */
const publicKeyCredential = <R extends z.ZodRawShape>(response: R) =>
  z.strictObject({
    id: credentialId,
    rawId: credentialId,
    type: z.literal('public-key'),
    response: z.object(response),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()),
  });

/** Checked here; typed as the library's JSON (which names the same fields) for the capability. */
const asJson = <T>(schema: z.ZodType) => schema as unknown as z.ZodType<T>;

export const registrationResponse = asJson<RegistrationResponseJSON>(
  publicKeyCredential({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(8192),
    authenticatorData: base64url(4096).optional(),
    transports: z.array(z.string().max(32)).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(4096).optional(),
  }),
);

export const authenticationResponse = asJson<AuthenticationResponseJSON>(
  publicKeyCredential({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(2048),
    userHandle: base64url(128).optional(),
  }),
);

/** A credential's name: 1–64 characters, no control characters, trimmed. */
export const credentialName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}]*$/u, 'A name has no control characters.');

export const credentialParams = z.strictObject({ credentialId });
export const webauthnCredentialBody = z.strictObject({
  response: registrationResponse,
  name: credentialName.optional(),
});
export const renameCredentialBody = z.strictObject({ name: credentialName });

/** Ask for this browser to be remembered, where an account of the user allows it. */
const rememberDevice = z.boolean().optional();

export const challengeBody = z.union([
  z.strictObject({ code: totpCode, rememberDevice }),
  z.strictObject({ recoveryCode, rememberDevice }),
  z.strictObject({ webauthn: authenticationResponse, rememberDevice }),
]);

/** A remembered device's id: 16 random bytes, base64url. */
export const deviceParams = z.strictObject({ deviceId: base64url(64) });

export const membersQuery = z.strictObject({
  cursor: z
    .string()
    .max(1000)
    .transform((text, ctx) => {
      const cursor = decodeMembersCursor(text);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'Not a cursor from this API.' });
      return cursor ?? z.NEVER;
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  status: z.enum(memberStatuses).default('all'),
  q: z
    .string()
    .max(200)
    .transform((text) => text.trim())
    .optional(),
});

export const auditQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'Not a cursor from this API.')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
