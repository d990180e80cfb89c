import type { AttemptProof } from '../../attempts/settle.ts';
import type { MfaContext } from '../../core/context.ts';
import { looksLikeRecoveryCode, normalizeRecoveryCode } from './recovery-codes.ts';

/**
 * A typed recovery code as a proof: its keyed hashes under every configured key, in the
 * canonical form the codes were hashed in (none when it is not shaped like a code, a failed
 * attempt like any other). Consumed, single use, when the attempt settles.
 */
export function recoveryProof(ctx: MfaContext, typed: string): AttemptProof {
  const normalized = normalizeRecoveryCode(typed);
  return { kind: 'recovery', hashes: looksLikeRecoveryCode(normalized) ? ctx.box.hashes(normalized) : [] };
}
