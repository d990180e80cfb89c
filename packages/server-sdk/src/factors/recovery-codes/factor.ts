import { recoveryCodeKind } from '../../model.ts';
import type { FactorFolder } from '../factor-module.ts';
import { recoveryCodeEndpoints } from './routes.ts';

/**
 * Ten single-use recovery codes, issued with the user's first factor: the way back in when
 * a factor is lost, accepted by every policy, each use audited.
 */
export const recoveryCodesFolder = {
  kind: recoveryCodeKind,
  endpoints: recoveryCodeEndpoints,
} satisfies FactorFolder;
