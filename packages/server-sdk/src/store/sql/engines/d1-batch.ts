/**
 * Plans run on Cloudflare D1. D1 refuses `BEGIN` and `SAVEPOINT`: a Worker writes atomically
 * only with `batch()`, whose statements D1 runs in order as one transaction, one batch at a
 * time. So a plan's reads go in one batch, and its statements in a second one that opens
 * with a check that what it read still holds (`asRead`) and that its `check` holds.
 *
 * A check that does not hold inserts a row into `mfa_guards`, whose constraint
 * `mfa_state_changed` refuses every row: D1 then rolls the whole batch back, and the write
 * either answers what a failed check means (`otherwise`) or is planned again. Of writes that
 * race, each batch runs whole or not at all, and one decided on a read that another changed
 * never runs.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import { type D1DatabaseLike, failUnless, isStateChanged, sendTo } from '../d1.ts';
import { allOf, type Check, checking, type Engine, type Plan } from '../plan.ts';
import type { Database } from '../schema.ts';
import { auditInsert } from '../settle-statements.ts';
import { answered, built, MAX_ROUNDS, tooManyRounds, withId } from './settled.ts';

/** The longest wait between two rounds, in milliseconds. */
const BACKOFF_MS = 64;

/** Runs the calls of one key one after another (the others at once). */
function turns() {
  const last = new Map<string, Promise<unknown>>();
  return <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const result = (last.get(key) ?? Promise.resolve()).then(run, run);
    const settled = result.then(
      () => {},
      () => {},
    );
    last.set(key, settled);
    void settled.then(() => {
      if (last.get(key) === settled) last.delete(key);
    });
    return result;
  };
}

/**
 * The engine of a D1 database. Writes of one key made through this engine wait for each
 * other first, as their batches could only conflict: a conflict is then another isolate's
 * write. `ready` applies the migrations first.
 */
export function d1Engine(db: Kysely<Database>, d1: D1DatabaseLike, ready: () => Promise<void>): Engine {
  const send = (statements: readonly CompiledQuery[]) => sendTo(d1, statements);
  const inTurn = turns();

  async function attempt<T>(plan: Plan<T>): Promise<T> {
    await ready();
    for (let round = 1; ; round++) {
      const decision = plan.decide(plan.reads.length > 0 ? await send(plan.reads) : []);
      if ('done' in decision) return decision.done;
      const checks: Check[] = [];
      if (decision.check) checks.push(decision.check);
      if (decision.asRead) checks.push(built(decision.asRead));
      const events = decision.audit?.events ?? [];
      try {
        const rows = await send([
          ...(checks.length > 0 ? [failUnless(allOf(...checks)).compile(db)] : []),
          ...decision.statements,
          ...events.map((event) => auditInsert(db, event).compile()),
        ]);
        // The events' inserts are the last statements.
        const ids = rows.slice(rows.length - events.length);
        const stored = events.map((event, i) => withId(event, ids[i]?.[0]?.id));
        return answered({ written: decision, stored });
      } catch (error) {
        if (checks.length === 0 || !isStateChanged(error)) throw error;
        if (decision.check && decision.otherwise !== undefined) {
          // Which check failed: the write's own condition answers `otherwise`; a read that changed, another round.
          const [[held] = []] = decision.asRead ? await send([checking(db, decision.check)]) : [[{ ok: 0 }]];
          if (Number(held?.ok) !== 1) return decision.otherwise;
        }
        if (round >= MAX_ROUNDS) throw tooManyRounds();
        // Writers that lost to another one wait a random while, longer each round, so that
        // they do not all read the same state again and lose to one of them again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** round, BACKOFF_MS)));
      }
    }
  }

  return <T>(plan: Plan<T>) => inTurn(plan.key, () => attempt(plan));
}
