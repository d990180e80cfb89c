import type { MfaContext } from '../core/context.ts';
import type { Principal, VerificationMethod } from '../model.ts';
import { pruneAsWritesGo } from './prune.ts';
import { type AttemptProof, verificationMethodOf } from './settle.ts';
import { settle } from './throttle.ts';

/**
 * Settles a challenge's proof (throws unless it verified); once verified, this instance
 * counts the session as verified at once.
 */
export async function verifySession(ctx: MfaContext, principal: Principal, proof: AttemptProof, now: Date) {
  const { userId, sessionId } = principal;
  const { recoveryCodesRemaining } = await settle(ctx, { userId, sessionId, now, proof });
  const method: VerificationMethod = verificationMethodOf(proof);
  ctx.cache.rememberSession({ sessionId, userId, verifiedAt: now, method });
  await pruneAsWritesGo(ctx);
  return { verified: true as const, verifiedAt: now, method, recoveryCodesRemaining };
}
