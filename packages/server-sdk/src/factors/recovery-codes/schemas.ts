import { z } from 'zod';
import type { Same } from '../../core/endpoint-schemas.ts';
import type { RecoveryCodesResponse } from './responses.ts';

/** The request and response shapes of the recovery codes' endpoints. */

/** A recovery code as typed: any case, spaces and dashes dropped, then 10 base32 characters. */
export const recoveryCode = z
  .string()
  .max(64)
  .transform((s) => s.toLowerCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[a-z2-7]{10}$/, 'A recovery code is 10 letters and digits.'));

/** Ten new codes, shown once (a schema of its own wherever it is answered). */
export const recoveryCodeList = () => z.array(z.string()).length(10);

export const recoveryCodesResponse = z.strictObject({ recoveryCodes: recoveryCodeList() });

const inStep: [Same<z.output<typeof recoveryCodesResponse>, RecoveryCodesResponse>] = [true];
void inStep;
