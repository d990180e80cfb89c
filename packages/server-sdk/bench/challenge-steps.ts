/**
 * Where the time of one `POST /challenge` goes: each step the service takes,
 * timed alone in this process against a SQLite file in WAL mode, beside the
 * whole `challenge()`. (Not through `app.request()`: it builds a fetch
 * `Request` and reads its body through undici, which costs more than the whole
 * challenge and which a Node server does not do; the HTTP benchmark has the
 * figure that counts.) Calls run `CONCURRENCY` at a time, as the HTTP benchmark's
 * connections send them: WebCrypto's hop to libuv's thread pool costs far more
 * CPU one call at a time than among others. Each step is warmed up on as many
 * calls first. Steps that write use users of their own, so no step sees
 * another's rows.
 */

import { verify } from 'otplib';
import { LOCK_SCHEDULE } from '../src/attempts/throttle.ts';
import { challenge } from '../src/challenge/challenge.ts';
import { MfaContext } from '../src/core/context.ts';
import { matchTotp, timeStepAt } from '../src/factors/totp/totp.ts';
import { sqliteStore } from '../src/sqlite.ts';
import { fmt } from './machine.ts';
import {
  BENCH_SECRET,
  directoryHooks,
  type Population,
  principalOf,
  totpCodeOf,
  userId,
} from './population.ts';
import { sqliteWriter } from './seed.ts';

const N = 2_000;
const CONCURRENCY = 10;

export interface StepTiming {
  step: string;
  /** Wall-clock µs per call. */
  micros: number;
  /** CPU µs per call, of every thread of the process (WebCrypto runs on libuv's pool). */
  cpuMicros: number;
}

/** Runs `run(k … k + CONCURRENCY - 1)` side by side, for k from `from` to `to`. */
async function batches(from: number, to: number, run: (k: number) => Promise<unknown>) {
  for (let k = from; k < to; k += CONCURRENCY) {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, to - k) }, (_, j) => run(k + j)));
  }
}

/** Runs `run(N … 2N-1)` to warm the code up, then times `run(0 … N-1)`. */
async function time(calls: number, run: (k: number) => Promise<unknown>, warm = true) {
  if (warm) await batches(calls, 2 * calls, run);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await batches(0, calls, run);
  const used = process.cpuUsage(cpu);
  return {
    micros: ((performance.now() - started) * 1000) / calls,
    cpuMicros: (used.user + used.system) / calls,
  };
}

/** Runs the steps on a new database at `filename` and answers a Markdown table of µs per call. */
export async function measureChallengeSteps(filename: string): Promise<string> {
  const timings = await challengeStepTimings(filename);
  const lines = ['| step | CPU per call | wall-clock per call |', '|---|---:|---:|'];
  for (const t of timings) lines.push(`| ${t.step} | ${fmt.us(t.cpuMicros)} | ${fmt.us(t.micros)} |`);
  const ratio = challengeOverReference(timings);
  lines.push(
    '',
    `whole challenge ÷ reference, CPU: ${ratio.toFixed(2)}× (budget ≤ 1.3×: ${ratio <= 1.3 ? 'met' : 'missed'})`,
  );
  return lines.map((line) => `  ${line}`).join('\n');
}

export async function challengeStepTimings(filename: string): Promise<StepTiming[]> {
  // Ranges of users: one per writing step, each 2N long (N to warm up, N to time).
  const ranges = ['settle', 'service'] as const;
  const population: Population = { users: 2 * N * (ranges.length + 1), accounts: 100 };
  const first = (range: (typeof ranges)[number]) => 2 * N * (ranges.indexOf(range) + 1);
  const store = sqliteStore({ filename });
  await store.migrate();
  const options = {
    store,
    secret: BENCH_SECRET,
    issuer: 'mfakit bench',
    authenticate: (c: import('hono').Context) =>
      principalOf(c.req.header('x-user'), c.req.header('x-session')),
    ...directoryHooks(population),
  };
  const ctx = new MfaContext(options);
  const nowMs = Date.now();
  const { totpSecretOf } = await import('./population.ts');
  // Every user has user 0's secret, sealed for that user (a sealed secret opens only for its user).
  const sealedFor: string[] = [];
  for (let i = 0; i < population.users; i += 2_000) {
    const end = Math.min(population.users, i + 2_000);
    const chunk = Array.from({ length: end - i }, (_, k) => ctx.box.seal(totpSecretOf(0), userId(i + k)));
    sealedFor.push(...chunk);
  }
  const sealed = sealedFor[0] as string;
  const writer = sqliteWriter(filename);
  await writer.insert(
    'mfa_totp_factors',
    Array.from({ length: population.users }, (_, i) => [userId(i), sealedFor[i] as string, null, nowMs]),
  );
  await writer.insert(
    'mfa_recovery_codes',
    (function* () {
      for (let i = 0; i < population.users; i++)
        for (let k = 0; k < 10; k++) yield [userId(i), `h.${i}.${k}`, null];
    })(),
  );
  await writer.close();
  // Every user of these ranges has user 0's secret, so one code serves them all.
  const now = new Date();
  const code = totpCodeOf(0, now.getTime());
  const step = timeStepAt(now);
  const secret = ctx.box.open(sealed, userId(0)).plaintext;

  const timings: StepTiming[] = [];
  const add = async (label: string, run: (k: number) => Promise<unknown>, calls = N) => {
    timings.push({ step: label, ...(await time(calls, run)) });
  };
  await add('store.getTotpFactor (read)', (k) => store.getTotpFactor(userId(k)));
  await add('secret box: open the sealed secret (AES-GCM)', async () => ctx.box.open(sealed, userId(0)));
  await add('matchTotp: RFC 6238 on otplib parts, ±1 step', async () => matchTotp(secret, code, now));
  await add('store.settleAttempt (one write transaction)', (k) => {
    const i = first('settle') + (k % N);
    // The warm-up consumes `step`, the timed calls the step after it: each call verifies.
    const proof = { kind: 'totp' as const, failureLimit: 100, match: () => step + (k < N ? 1 : 0) };
    return store.settleAttempt({
      userId: userId(i),
      sessionId: `s${k}`,
      now,
      schedule: LOCK_SCHEDULE,
      proof,
    });
  });
  // The whole challenge: no warm-up here, each user is used once.
  timings.push({
    step: 'whole challenge: challenge()',
    ...(await time(
      N,
      (k) => {
        const i = first('service') + k;
        const principal = { userId: userId(i), sessionId: `c${i}`, authMethod: 'password' as const };
        return challenge(ctx, principal, { code }, { origin: 'http://localhost', hostname: 'localhost' });
      },
      false,
    )),
  });
  // The budget's reference in this process: one otplib verify and one SQLite upsert (WAL, the
  // same file), as `POST /reference` does behind Hono.
  const { default: Database } = await import('better-sqlite3');
  const reference = new Database(filename);
  reference.pragma('busy_timeout = 5000');
  reference.pragma('synchronous = NORMAL');
  reference.exec(
    'create table if not exists bench_reference (user_id text primary key, step integer not null)',
  );
  const write = reference.prepare(
    'insert into bench_reference (user_id, step) values (?, ?) on conflict (user_id) do update set step = excluded.step',
  );
  timings.push({
    step: 'reference: otplib verify + one SQLite upsert',
    ...(await time(N, async (k) => {
      const result = await verify({ secret, token: code, epochTolerance: 30 });
      if (!result.valid || !('timeStep' in result)) throw new Error('the reference did not verify');
      write.run(userId(k), Number(result.timeStep));
    })),
  });
  reference.close();
  await store.close();
  return timings;
}

/** The whole challenge's CPU per call over the reference's, from the steps measured in one run. */
export function challengeOverReference(timings: readonly StepTiming[]): number {
  const whole = timings.find((t) => t.step.startsWith('whole challenge'));
  const reference = timings.find((t) => t.step.startsWith('reference'));
  return whole && reference ? whole.cpuMicros / reference.cpuMicros : Number.NaN;
}
