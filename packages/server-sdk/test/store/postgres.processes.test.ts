/**
 * Two instances of a host on one PostgreSQL database, each in its own Node
 * process with its own pool and its own policy cache: the deployment
 * `postgresStore` is for. Guarantees that hold between the promises of one
 * process must hold between these two as well. An instance that checked a TOTP
 * code in JavaScript and then wrote would let an attacker who saw a code use it
 * again on the other instance; a failure count kept per instance would give
 * parallel guessing twice the attempts; a policy cached without bound would keep
 * an account open that its administrator has just closed.
 *
 * Each child (test/fixtures/mfa-host-process.mjs) runs the real `createMfa`
 * behind an HTTP server on 127.0.0.1; this file talks to both over HTTP and sets
 * the clock they see, so that every round can use a fresh TOTP time step.
 * Each test starts both SDKs on a fresh schema at the same moment, so that
 * they migrate it at once.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generate } from 'otplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exchange as exchangeWith, startChild as startScript, stopChild } from '../child-process.ts';
import { type TestSchemas, testSchemas, urlWithSchema } from '../postgres.helpers.ts';

const CHILD = fileURLToPath(new URL('../fixtures/mfa-host-process.mjs', import.meta.url));

const exchange = (child: ChildProcess, message?: unknown) => exchangeWith<Reply>(child, message);
const startChild = () => startScript(CHILD);
const SECRET = 'processes-test-secret-of-32-bytes-or-more';
const T0 = new Date('2026-03-02T10:00:00Z');
/** Seconds another instance may serve an old policy. */
const POLICY_CACHE_TTL = 1;
/** Lead time for both children to receive an `open` before its moment. */
const LEAD_MS = 250;

type Reply = { type: 'started' | 'clock' } | { type: 'opened'; port: number };

interface Answer {
  status: number;
  body: any;
  retryAfter: string | null;
}

/** One SDK instance as a client sees it. */
interface Instance {
  call(method: string, path: string, as: string, body?: unknown): Promise<Answer>;
}

function instance(port: number): Instance {
  return {
    async call(method, path, as, body) {
      const res = await fetch(`http://127.0.0.1:${port}/mfa${path}`, {
        method,
        headers: { 'x-test-user': as, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? JSON.parse(text) : null,
        retryAfter: res.headers.get('retry-after'),
      };
    },
  };
}

const code = (secret: string, at: Date) => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });

/** A 6-digit code valid for `secret` in none of the steps accepted at `at`. */
async function wrongCode(secret: string, at: Date): Promise<string> {
  const valid = new Set(
    await Promise.all([-30_000, 0, 30_000].map((offset) => code(secret, new Date(at.getTime() + offset)))),
  );
  return ['000000', '111111', '222222', '333333'].find((candidate) => !valid.has(candidate)) ?? '444444';
}

describe('postgresStore shared by two host processes', () => {
  let schemas: TestSchemas;
  let children: ChildProcess[] = [];
  let a: Instance;
  let b: Instance;

  /** Starts an SDK in each child on `schema`, both at the same moment; answers them in child order. */
  const openAll = async (schema: string): Promise<Instance[]> => {
    const at = Date.now() + LEAD_MS;
    const message = {
      type: 'open',
      connectionString: urlWithSchema(schema),
      secret: SECRET,
      policyCacheTtl: POLICY_CACHE_TTL,
      at,
    };
    const replies = await Promise.all(children.map((child) => exchange(child, message)));
    return replies.map((reply) => instance(reply.type === 'opened' ? reply.port : 0));
  };

  /** The time both instances see (`null`: the real clock). */
  const setClock = (now: Date | null) =>
    Promise.all(children.map((child) => exchange(child, { type: 'clock', now })));

  /** Sets up ada's authenticator through instance A at `at`; answers its secret. */
  const enroll = async (at: Date): Promise<string> => {
    await setClock(at);
    const setup = await a.call('POST', '/me/totp/setup', 'ada', {});
    expect(setup.status).toBe(200);
    const secret: string = setup.body.secret;
    const confirm = await a.call('POST', '/me/totp/confirm', 'ada', { code: await code(secret, at) });
    expect(confirm.status).toBe(200);
    return secret;
  };

  // Two Node processes that compile the SDK on start: on a loaded two-core machine that takes
  // longer than vitest's default 10 s.
  beforeAll(async () => {
    schemas = testSchemas();
    children = await Promise.all([startChild(), startChild()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(children.map(stopChild));
    await schemas?.close();
  });

  beforeEach(async () => {
    const opened = await openAll(await schemas.create('processes'));
    [a, b] = opened as [Instance, Instance];
    await setClock(null);
  });

  afterEach(async () => {
    await setClock(null);
  });

  it('the same TOTP code sent to both at once is accepted exactly once, round after round', async () => {
    const rounds = 40;
    const secret = await enroll(T0);
    for (let round = 1; round <= rounds; round++) {
      // A fresh time step each round: the previous one is spent.
      const at = new Date(T0.getTime() + round * 30_000);
      await setClock(at);
      const body = { code: await code(secret, at) };
      const answers = await Promise.all([
        a.call('POST', '/challenge', 'ada', body),
        b.call('POST', '/challenge', 'ada', body),
      ]);
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses, `round ${round}`).toEqual([200, 400]);
      const refused = answers.find((answer) => answer.status === 400);
      expect(refused?.body.error.code).toBe('invalid_code');
    }
    // Each refusal was a replay, and is on record as one.
    const audit = await b.call('GET', '/accounts/acme/audit?limit=100', 'ada');
    expect(audit.status).toBe(200);
    const types: string[] = audit.body.events.map((event: { type: string }) => event.type);
    expect(types.filter((type) => type === 'challenge.replayed')).toHaveLength(rounds);
    expect(types).not.toContain('challenge.failed');
  });

  it('wrong codes in parallel on both get exactly 5 judged before the lock, then one per lock', async () => {
    const secret = await enroll(T0);
    const perInstance = 10;
    /** Sends `perInstance` wrong codes to each instance at once; answers every answer. */
    const guess = async (at: Date) => {
      await setClock(at);
      const body = { code: await wrongCode(secret, at) };
      return Promise.all(
        [a, b].flatMap((target) =>
          Array.from({ length: perInstance }, () => target.call('POST', '/challenge', 'ada', body)),
        ),
      );
    };
    const judged = (answers: Answer[]) => answers.filter((answer) => answer.status === 400);
    const locked = (answers: Answer[]) => answers.filter((answer) => answer.status === 429);

    const first = await guess(new Date(T0.getTime() + 30_000));
    expect(judged(first).map((answer) => answer.body.error.code)).toEqual(Array(5).fill('invalid_code'));
    expect(
      judged(first)
        .map((answer) => answer.body.error.attemptsLeft as number)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(locked(first)).toHaveLength(2 * perInstance - 5);
    for (const answer of locked(first)) {
      expect(answer.body.error.code).toBe('too_many_attempts');
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(30);
    }

    // Each lock that ends lets one more guess through, and the lock doubles: 30 s, 60 s, 120 s.
    let at = new Date(T0.getTime() + 30_000);
    for (const lockSeconds of [30, 60, 120]) {
      at = new Date(at.getTime() + lockSeconds * 1000);
      const answers = await guess(at);
      expect(judged(answers), `after a ${lockSeconds} s lock`).toHaveLength(1);
      expect(judged(answers)[0]?.body.error.retryAfterSeconds).toBe(lockSeconds * 2);
      expect(locked(answers)).toHaveLength(2 * perInstance - 1);
    }

    // The right code is refused too while the lock lasts, on either instance.
    const right = { code: await code(secret, at) };
    for (const target of [a, b]) {
      expect((await target.call('POST', '/challenge', 'ada', right)).status).toBe(429);
    }
  });

  it('a policy written through one instance is enforced by the other within policyCacheTtl', async () => {
    const secret = await enroll(T0);
    // The new app's own code is no step-up: ada verifies with it before changing the policy.
    const verifiedAt = new Date(T0.getTime() + 30_000);
    await setClock(verifiedAt);
    expect((await a.call('POST', '/challenge', 'ada', { code: await code(secret, verifiedAt) })).status).toBe(
      200,
    );
    // B reads (and caches) the default policy: nothing is required of max.
    const before = await b.call('GET', '/accounts/acme/access', 'max');
    expect(before.body).toEqual({ allow: true, reason: 'not_required' });

    const put = await a.call('PUT', '/accounts/acme/policy', 'ada', {
      mode: 'required_all',
      gracePeriodDays: 7,
    });
    expect(put.status).toBe(200);
    const writtenAt = Date.now();
    // The writer sees its own policy at once.
    expect((await a.call('GET', '/accounts/acme/access', 'max')).body.reason).toBe('grace_period');

    // B cached the old policy before the write, so from writtenAt + TTL on it must serve the new one.
    const mustBeNewFrom = writtenAt + POLICY_CACHE_TTL * 1000;
    const seen: { startedAt: number; reason: string }[] = [];
    for (let poll = 0; poll < 100; poll++) {
      const startedAt = Date.now();
      const answer = await b.call('GET', '/accounts/acme/access', 'max');
      expect(answer.status).toBe(200);
      seen.push({ startedAt, reason: answer.body.reason });
      if (startedAt > mustBeNewFrom + 250) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const last = seen.at(-1);
    expect(last && last.startedAt > mustBeNewFrom).toBe(true);
    for (const [i, { startedAt, reason }] of seen.entries()) {
      // Before the TTL, B may still serve the old policy; after it, only the new one.
      expect(['not_required', 'grace_period']).toContain(reason);
      if (startedAt > mustBeNewFrom)
        expect(reason, `poll ${i}, ${startedAt - writtenAt} ms after`).toBe('grace_period');
      // Once B has the new policy it never goes back.
      if (i > 0 && seen[i - 1]?.reason === 'grace_period') expect(reason).toBe('grace_period');
    }
    // Both instances agree on the policy itself too.
    const policy = await b.call('GET', '/accounts/acme/policy', 'ada');
    expect(policy.body).toMatchObject({ mode: 'required_all', gracePeriodDays: 7, version: 1 });
  });

  it('both instances start on a new schema at once, five times, and each migrates it', async () => {
    for (let i = 0; i < 5; i++) {
      [a, b] = (await openAll(await schemas.create(`migrate${i}`))) as [Instance, Instance];
      const answers = await Promise.all([a.call('GET', '/me', 'max'), b.call('GET', '/me', 'ada')]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect(answers.map((answer) => answer.body.enrolled)).toEqual([false, false]);
    }
  });
});
