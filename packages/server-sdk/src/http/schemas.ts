import { z } from 'zod';
import { policyModes } from '../model.ts';

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
export const challengeBody = z.union([z.strictObject({ code: totpCode }), z.strictObject({ recoveryCode })]);

export const auditQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'Not a cursor from this API.')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
