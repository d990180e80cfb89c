/** What every engine does once a plan's write is made: the events handed over, the answer given. */
import type { AuditEvent } from '../../../model.ts';
import type { Audit, Check, Decision, Statements } from '../plan.ts';

/** A decision that writes. */
export type Writing<T> = Extract<Decision<T>, { statements: Statements }>;

/** A plan's write as an engine made it: answered without writing, or written with its events stored. */
export type Made<T> = { done: T } | { written: Writing<T>; stored: AuditEvent[] };

/** The answer of a write made, once committed: the stored events handed to the write that asked for them. */
export function answered<T>(made: Made<T>): T {
  if ('done' in made) return made.done;
  const { written, stored } = made;
  if (stored.length > 0) written.audit?.write?.stored(stored);
  return written.answer(stored);
}

/** An audit event as stored, given the id the database gave it. */
export const withId = (event: Audit['events'][number], id: unknown): AuditEvent => ({
  ...event,
  id: String(id),
});

/** A plan's `asRead`, built. */
export const built = (asRead: Check | (() => Check)): Check =>
  typeof asRead === 'function' ? asRead() : asRead;

/** Thrown inside a transaction to roll it back and plan the write again. */
export class PlanAgain extends Error {}

/**
 * Rounds of planning again before a write gives up: each round that fails does so because
 * another write landed, so even writers racing on one user end in as many rounds as there are of them.
 */
export const MAX_ROUNDS = 64;

export function tooManyRounds(): Error {
  return new Error(`the state this write reads kept changing (${MAX_ROUNDS} rounds)`);
}
