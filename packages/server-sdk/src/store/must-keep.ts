import type { FactorMethod } from '../model.ts';

/**
 * What a factor's removal must leave the user: at least one factor of these methods (the
 * factors that every account requiring MFA of the user, and satisfied now, accepts).
 * Decided inside the removal's atomic write, so that two removals at once cannot both pass.
 */
export type MustKeep = readonly FactorMethod[];

/** Whether a user holding `methods` keeps a factor `mustKeep` asks for (none asked: always). */
export function keepsFactor(methods: readonly FactorMethod[], mustKeep: MustKeep | undefined): boolean {
  return mustKeep === undefined || methods.some((method) => mustKeep.includes(method));
}
