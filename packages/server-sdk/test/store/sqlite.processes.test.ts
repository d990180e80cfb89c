/**
 * Two hosts on one SQLite file: each instance of a host runs in its own process
 * with its own connection, and the store's atomic guarantees (store.ts) must
 * hold between them, not just between the promises of one process. A store that
 * reads in JavaScript and then writes would let two processes accept the same
 * TOTP code, or get more guesses judged than the back-off allows.
 *
 * Each child (test/fixtures/store-process.mjs) runs the real `sqliteStore`.
 * Calls are lined up on the wall clock, so both processes reach the database
 * within about a millisecond of each other, round after round.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptProof, AttemptResult, LockSchedule, MfaStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { exchange as exchangeWith, startChild as startScript, stopChild } from '../child-process.ts';

const CHILD = fileURLToPath(new URL('../fixtures/store-process.mjs', import.meta.url));

const exchange = (child: ChildProcess, message?: unknown) => exchangeWith<Reply>(child, message);
const startChild = () => startScript(CHILD);
const PROCESSES = 2;
const T0 = new Date('2026-03-02T10:00:00Z');
const STEP = Math.floor(T0.getTime() / 30_000);
const SCHEDULE: LockSchedule = { threshold: 5, baseMs: 30_000, capMs: 3_600_000 };
/** Time between two rounds of calls, and before the first one (children must get the message). */
const ROUND_MS = 5;
const LEAD_MS = 250;

interface Call {
  method: keyof MfaStore;
  args: unknown[];
}
interface Batch {
  at: number;
  calls: Call[];
}
type Settled = { ok: true; value: unknown } | { ok: false; error: string };
type Reply = { type: 'started' | 'opened' } | { type: 'results'; results: Settled[][] };

describe('sqliteStore shared by several processes', () => {
  let root: string;
  let folder: string;
  let filename: string;
  let local: MfaStore;
  let children: ChildProcess[] = [];

  /** Opens `file` in every child at the same moment. */
  const openAll = (file: string) => {
    const at = Date.now() + LEAD_MS;
    return Promise.all(children.map((child) => exchange(child, { type: 'open', filename: file, at })));
  };

  /** Runs each child's batches (`batchesOf(index, start)`); per child, per batch, the results. */
  const runAll = async (batchesOf: (child: number, start: number) => Batch[]): Promise<Settled[][][]> => {
    const start = Date.now() + LEAD_MS;
    const replies = await Promise.all(
      children.map((child, index) => exchange(child, { type: 'run', batches: batchesOf(index, start) })),
    );
    return replies.map((reply) => (reply.type === 'results' ? reply.results : []));
  };

  /** Every child makes its calls of a round at the same moment; per round, all children's answers. */
  const rounds = async (count: number, callsOf: (round: number, child: number) => Call[]) => {
    const results = await runAll((child, start) =>
      Array.from({ length: count }, (_, round) => ({
        at: start + round * ROUND_MS,
        calls: callsOf(round, child),
      })),
    );
    const perRound = Array.from({ length: count }, (_, round) =>
      results.flatMap((batches) => batches[round] ?? []),
    );
    expect(perRound.flat().filter((settled) => !settled.ok)).toEqual([]);
    return perRound.map((settled) => settled.map((s) => (s.ok ? s.value : undefined)));
  };

  const enroll = async (userId: string, codes: string[] = []) => {
    await local.putPendingTotp({ userId, secret: `sealed-${userId}`, expiresAt: T0 });
    const factor = { userId, secret: `sealed-${userId}`, lastUsedStep: null, createdAt: T0 };
    expect(await local.activateTotp(factor, factor.secret, codes)).toBe(true);
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mfakit-processes-'));
    children = await Promise.all(Array.from({ length: PROCESSES }, startChild));
  });

  afterAll(async () => {
    await Promise.all(children.map(stopChild));
    rmSync(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    folder = mkdtempSync(join(root, 'test-'));
    filename = join(folder, 'mfa.db');
    local = sqliteStore({ filename });
    await local.migrate();
    await openAll(filename);
    // Migrate (a no-op now) before the timed rounds, so that they time the calls alone.
    await rounds(1, () => [{ method: 'migrate', args: [] }]);
  });

  afterEach(async () => {
    await local.close();
  });

  const settleCall = (
    userId: string,
    sessionId: string,
    proof: AttemptProof,
    schedule: LockSchedule = SCHEDULE,
  ): Call => ({
    method: 'settleAttempt',
    args: [{ userId, sessionId, now: T0, schedule, proof }],
  });
  /** A schedule that never locks, for tests of consumption rather than of the back-off. */
  const NO_LOCK: LockSchedule = { threshold: Number.MAX_SAFE_INTEGER, baseMs: 1, capMs: 1 };

  it('settleAttempt: one good step sent by all processes at once verifies exactly one session', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `ada-${i}`);
    for (const userId of users) await enroll(userId);
    const results = (await rounds(users.length, (round, child) =>
      Array.from({ length: 3 }, (_, k) =>
        settleCall(users[round] as string, `s-${child}-${k}`, {
          kind: 'totp',
          step: STEP,
          failureLimit: 100,
          secret: `sealed-${users[round]}`,
        } as never),
      ),
    )) as AttemptResult[][];
    for (const [round, userId] of users.entries()) {
      const outcomes = results[round]?.map((r) => r.outcome) ?? [];
      expect(outcomes).toHaveLength(3 * PROCESSES);
      expect(outcomes.filter((o) => o === 'verified')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'verified' && o !== 'replayed' && o !== 'locked')).toEqual([]);
      expect((await local.getTotpFactor(userId))?.lastUsedStep).toBe(STEP);
    }
  });

  it('settleAttempt: from 0 failures exactly 5 wrong codes are judged over all processes', async () => {
    const users = Array.from({ length: 10 }, (_, i) => `max-${i}`);
    for (const userId of users) await enroll(userId);
    const results = (await rounds(users.length, (round) =>
      Array.from({ length: 10 }, (_, k) =>
        settleCall(users[round] as string, `s-${k}`, {
          kind: 'totp',
          step: null,
          failureLimit: 100,
          secret: `sealed-${users[round]}`,
        } as never),
      ),
    )) as AttemptResult[][];
    for (const [round, userId] of users.entries()) {
      const judged = results[round]?.filter((r) => r.outcome !== 'locked') ?? [];
      expect(judged.map((r) => ('failures' in r ? r.failures : 0)).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await local.getAttempts(userId)).toEqual({
        failures: 5,
        lockedUntil: new Date(T0.getTime() + 30_000),
      });
    }
  });

  it('putPolicy: of writers with the same expected version exactly one wins, round after round', async () => {
    const results = await rounds(20, (round, child) =>
      Array.from({ length: 2 }, (_, k) => ({
        method: 'putPolicy',
        args: [
          {
            accountId: 'acme',
            mode: 'required_all',
            gracePeriodDays: child * 10 + k,
            enforceAfterSso: false,
            version: round + 1,
            updatedAt: T0,
            updatedBy: `writer-${child}-${k}`,
          },
          round,
        ],
      })),
    );
    for (const round of results) expect(round.filter((won) => won === true)).toHaveLength(1);
    expect((await local.getPolicy('acme'))?.version).toBe(20);
  });

  it('settleAttempt: each recovery code is accepted once over all processes', async () => {
    const codes = Array.from({ length: 10 }, (_, i) => `hash-${i}`);
    await enroll('ada', codes);
    const results = (await rounds(codes.length, (round, child) =>
      Array.from({ length: 3 }, (_, k) =>
        settleCall('ada', `s-${child}-${k}`, { kind: 'recovery', hashes: [codes[round] as string] }, NO_LOCK),
      ),
    )) as AttemptResult[][];
    for (const round of results) expect(round.filter((r) => r.outcome === 'verified')).toHaveLength(1);
    expect(await local.countRecoveryCodes('ada')).toBe(0);
  });

  it('activateTotp: one pending secret is activated once over all processes', async () => {
    const users = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    for (const userId of users)
      await local.putPendingTotp({ userId, secret: `pending-${userId}`, expiresAt: T0 });
    const results = await rounds(users.length, (round, child) =>
      Array.from({ length: 2 }, (_, k) => {
        const userId = users[round] ?? '';
        const factor = { userId, secret: `pending-${userId}`, lastUsedStep: child * 10 + k, createdAt: T0 };
        return { method: 'activateTotp', args: [factor, factor.secret, [`code-${child}-${k}`]] };
      }),
    );
    for (const [round, userId] of users.entries()) {
      expect(results[round]?.filter((won) => won === true)).toHaveLength(1);
      const winner = (await local.getTotpFactor(userId))?.lastUsedStep ?? -1;
      expect(await local.getPendingTotp(userId)).toBeNull();
      expect(await local.countRecoveryCodes(userId)).toBe(1);
      // The winner's recovery code came with the winner's factor.
      const code = `code-${Math.floor(winner / 10)}-${winner % 10}`;
      const used = await local.settleAttempt({
        userId,
        sessionId: `${userId}-s`,
        now: T0,
        schedule: SCHEDULE,
        proof: { kind: 'recovery', hashes: [code] },
      });
      expect(used.outcome).toBe('verified');
    }
  });

  it('startGrace: every process gets the same, first start', async () => {
    const users = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    const starts = (await rounds(users.length, (round, child) =>
      Array.from({ length: 2 }, (_, k) => ({
        method: 'startGrace',
        args: ['acme', users[round], new Date(T0.getTime() + child * 1000 + k)],
      })),
    )) as { startedAt: Date; forfeitedAt: Date | null }[][];
    for (const [round, userId] of users.entries()) {
      const stored = (await local.getGraceStarts('acme', [userId])).get(userId);
      expect(stored?.startedAt).toBeInstanceOf(Date);
      expect(stored?.forfeitedAt).toBeNull();
      expect(starts[round]).toEqual(Array.from({ length: 2 * PROCESSES }, () => stored));
    }
  });

  it('opening and migrating a new file from all processes at once succeeds in each', async () => {
    for (let i = 0; i < 5; i++) {
      const fresh = join(folder, `fresh-${i}.db`);
      await openAll(fresh);
      const [results] = await rounds(1, () => [{ method: 'migrate', args: [] }]);
      expect(results).toHaveLength(PROCESSES);
      const store = sqliteStore({ filename: fresh });
      await store.putPendingTotp({ userId: 'ada', secret: 's', expiresAt: T0 });
      expect(await store.getPendingTotp('ada')).not.toBeNull();
      await store.close();
    }
  });
});
