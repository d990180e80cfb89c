/**
 * Where the time of one `POST /challenge` goes: each step the service takes,
 * timed alone in this process against a SQLite file in WAL mode, one call at a
 * time, beside the whole challenge (service call, then HTTP request through
 * `app.request`, no network). Each is warmed up on as many calls first. Steps
 * that write use users of their own, so no step sees another's rows.
 */

import { checkTotp, timeStepAt } from '../src/factors/totp.ts';
import { createMfa, sqliteStore } from '../src/index.ts';
import { LOCK_SCHEDULE, MfaService } from '../src/service.ts';
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

export interface StepTiming {
  step: string;
  /** Wall-clock µs per call. */
  micros: number;
  /** CPU µs per call, of every thread of the process (WebCrypto runs on libuv's pool). */
  cpuMicros: number;
}

/** Runs `run(N … 2N-1)` to warm the code up, then times `run(0 … N-1)`. */
async function time(calls: number, run: (k: number) => Promise<unknown>) {
  for (let k = calls; k < 2 * calls; k++) await run(k);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let k = 0; k < calls; k++) await run(k);
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
  return lines.map((line) => `  ${line}`).join('\n');
}

export async function challengeStepTimings(filename: string): Promise<StepTiming[]> {
  // Ranges of users: one per writing step, each 2N long (N to warm up, N to time).
  const ranges = ['begin', 'consume', 'mark', 'service', 'http'] as const;
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
  const service = new MfaService(options);
  const nowMs = Date.now();
  const { totpSecretOf } = await import('./population.ts');
  const sealed = await service.box.seal(totpSecretOf(0));
  const writer = sqliteWriter(filename);
  await writer.insert(
    'mfa_totp_factors',
    Array.from({ length: population.users }, (_, i) => [userId(i), sealed, null, nowMs]),
  );
  await writer.insert(
    'mfa_recovery_codes',
    (function* () {
      for (let i = 0; i < population.users; i++)
        for (let k = 0; k < 10; k++) yield [userId(i), `h.${i}.${k}`, null];
    })(),
  );
  await writer.close();
  // Every user of these ranges has user 0's secret (sealed once), so one code serves them all.
  const now = new Date();
  const code = totpCodeOf(0, now.getTime());
  const step = timeStepAt(now);
  const secret = (await service.box.open(sealed)).plaintext;

  const timings: StepTiming[] = [];
  const add = async (label: string, run: (k: number) => Promise<unknown>, calls = N) => {
    timings.push({ step: label, ...(await time(calls, run)) });
  };
  await add('store.getFactor (read)', (k) => store.getFactor(userId(k)));
  await add('secret box: open the sealed secret (AES-GCM)', () => service.box.open(sealed));
  await add('checkTotp: otplib verify, ±1 step', () => checkTotp(secret, code, now, null));
  await add('store.beginAttempt (write)', (k) =>
    store.beginAttempt(userId(first('begin') + (k % N)), now, LOCK_SCHEDULE),
  );
  await add('store.clearAttempts (write)', (k) => store.clearAttempts(userId(first('begin') + k)));
  await add('store.consumeTimeStep (write)', (k) =>
    store.consumeTimeStep(userId(first('consume') + (k % N)), step + (k < 200 ? 0 : 1)),
  );
  await add('store.markSessionVerified (write)', (k) =>
    store.markSessionVerified({
      sessionId: `m${k}`,
      userId: userId(first('mark') + (k % N)),
      verifiedAt: now,
    }),
  );
  await add('store.countRecoveryCodes (read)', (k) => store.countRecoveryCodes(userId(k)));
  // The whole challenge: no warm-up here, each user is used once.
  timings.push({
    step: 'whole challenge: service.challenge()',
    ...(await time(N, (k) => {
      const i = first('service') + k;
      return service.challenge({ userId: userId(i), sessionId: `c${i}`, authMethod: 'password' }, { code });
    })),
  });
  const mfa = createMfa(options);
  timings.push({
    step: 'whole challenge: POST /challenge through app.request()',
    ...(await time(N, async (k) => {
      const i = first('http') + k;
      const res = await mfa.app.request('http://bench.test/challenge', {
        method: 'POST',
        headers: { 'x-user': userId(i), 'x-session': `h${i}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      if (res.status !== 200) throw new Error(`challenge answered ${res.status}: ${await res.text()}`);
    })),
  });
  await store.close();
  return timings;
}
