import { z } from 'zod';
import { decodeMembersCursor, memberStatuses } from '../admin/members-page.ts';
import { base64url } from '../core/endpoint-schemas.ts';
import { recoveryCode } from '../factors/recovery-codes/schemas.ts';
import { totpCode } from '../factors/totp/schemas.ts';
import { authenticationResponse } from '../factors/webauthn/schemas.ts';
import { allowedFactorsValues, MAX_REMEMBER_DEVICE_DAYS, policyModes } from '../model.ts';
import { nudgeKinds } from '../store/rollout-store.ts';

/**
 * The request schemas of the routes http/ declares itself: the account's, the challenge's
 * (made of each factor's proof) and the remembered devices'. A factor's own are in its
 * folder (factors/<name>/schemas.ts); the pieces every declaration shares in
 * core/endpoint-schemas.ts.
 */

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

export const policyUpdateBody = z.strictObject({
  mode: z.enum(policyModes),
  gracePeriodDays: z.number().int().min(0).max(90).default(7),
  enforceAfterSso: z.boolean().default(false),
  // Absent: the account keeps what it accepts (a client that does not know the setting
  // must not loosen it by leaving it out).
  allowedFactors: z.enum(allowedFactorsValues).optional(),
  // Absent: the account keeps it, for the same reason.
  rememberDeviceDays: z.number().int().min(0).max(MAX_REMEMBER_DEVICE_DAYS).optional(),
  // Absent or null: enforced at once. Checked against now and the stored one in policy/policy.ts.
  enforceFrom: z.iso
    .datetime({ offset: true })
    .transform((text) => new Date(text))
    .nullable()
    .optional(),
  version: z.number().int().min(0).optional(),
});

export const nudgeQuery = z.strictObject({ accountId: id.optional() });
export const nudgeSnoozeBody = z.strictObject({ kind: z.enum(nudgeKinds) });

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
