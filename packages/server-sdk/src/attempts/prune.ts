import type { MfaContext } from '../core/context.ts';
import { TOTP_FAILURE_LIMIT } from './throttle.ts';

/** Expired rows are pruned every this many writes of an instance, at most `PRUNE_LIMIT` of each kind. */
const PRUNE_EVERY = 32;
const PRUNE_LIMIT = 100;
/** A failure count with no new failure for this long is forgotten (unless it reached `TOTP_FAILURE_LIMIT`). */
const ATTEMPTS_IDLE_MS = 30 * 86_400_000;

/**
 * Every `PRUNE_EVERY` writes of this instance, removes at most `PRUNE_LIMIT` expired
 * rows of each kind (pending setups, verified sessions past `sessionMaxAge`, failure
 * counts idle for 30 days): bounded work, spread over the writes. A failure here
 * fails nothing: it is reported, and the next round tries again.
 */
export async function pruneAsWritesGo(ctx: MfaContext): Promise<void> {
  if (++ctx.writesSincePrune < PRUNE_EVERY) return;
  ctx.writesSincePrune = 0;
  const now = ctx.now();
  try {
    await ctx.store.pruneExpired({
      now,
      sessionsBefore: new Date(now.getTime() - ctx.sessionMaxAge * 1000),
      attemptsBefore: new Date(now.getTime() - ATTEMPTS_IDLE_MS),
      keepFailures: TOTP_FAILURE_LIMIT,
      limit: PRUNE_LIMIT,
    });
  } catch {
    // Reported under the deadline; the rows wait for the next round.
  }
}
