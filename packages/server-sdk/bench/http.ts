/**
 * `pnpm bench`: throughput and latency of the SDK over real HTTP, beside a bare
 * Hono route, on SQLite (a WAL file in a temporary folder) and, when
 * DATABASE_URL is set, on PostgreSQL. The server (bench/host.ts) runs in a
 * child process pinned to the last CPU, the load generator (autocannon) in this
 * one pinned to the first, so that they do not take each other's core.
 *
 * Cases, each warmed up, then measured for `--duration` seconds, all of them in
 * turn `--rounds` times; a case's figures are the medians over the rounds, and
 * its ratio to bare is taken within each round (see `report`):
 * - bare:      GET /bare/:accountId/data, a JSON route with nothing in front
 * - noop:      the same route behind a middleware that only calls next(): the
 *              floor of any middleware in Hono
 * - guard:     the same route behind `mfa.guard()`, as an enrolled user whose
 *              session is verified (1,000 such users in turn)
 * - challenge: POST /mfa/challenge with a fresh valid code, each request as
 *              another enrolled user (so the replay rule never refuses one)
 * - reference: POST /reference (SQLite only): one otplib verify and one SQLite write
 *              behind Hono, without the SDK: the ceiling the challenge approaches
 * - policy:    GET /mfa/accounts/:accountId/policy as the account's administrator
 *
 * Options: --duration=3 --warmup=1 --rounds=5 --connections=10 --cases=bare,guard,…
 * --stores=sqlite,postgres --profile (profiles the server's CPU during each
 * measured case and prints where its time went) --no-steps (skips the
 * in-process breakdown of a challenge).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { checkSecrets, SecretBox } from '../src/crypto/secret-box.ts';
import { postgresStore } from '../src/postgres.ts';
import { sqliteStore } from '../src/sqlite.ts';
import { measureChallengeSteps } from './challenge-steps.ts';
import { measureGuardInProcess } from './guard-steps.ts';
import { fmt, hasTaskset, machineLine, pinSelf, quantile } from './machine.ts';
import { accountId, BENCH_SECRET, type Population, totpCodeOf, totpSecretOf, userId } from './population.ts';
import { summariseProfile } from './profile.ts';
import { type CaseResult, report } from './report.ts';
import { type BulkWriter, freshPostgresSchema, postgresWriter, type Row, sqliteWriter } from './seed.ts';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key as string, value ?? 'true'];
  }),
);
const DURATION = Number(args.get('duration') ?? 3);
const WARMUP = Number(args.get('warmup') ?? 1);
const ROUNDS = Number(args.get('rounds') ?? 5);
const CONNECTIONS = Number(args.get('connections') ?? 10);
const CASES = (args.get('cases') ?? 'bare,noop,guard,challenge,reference,policy').split(',');
/** Cases that only the SQLite host serves. */
const SQLITE_ONLY = new Set(['reference']);
const PROFILE = args.has('profile');
const STEPS = !args.has('no-steps');
const DATABASE_URL = process.env.DATABASE_URL;
const STORES = (args.get('stores') ?? 'sqlite,postgres').split(',');

/** Users 0..GUARD_USERS-1 have verified sessions; the rest wait for challenges, one each. */
const GUARD_USERS = 1_000;
const CHALLENGE_USERS = 40_000;
const population: Population = { users: GUARD_USERS + CHALLENGE_USERS, accounts: 2_000 };
const modes = ['optional', 'required_admins', 'required_all'] as const;

const HOST = fileURLToPath(new URL('./host.ts', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

// ── seeding ─────────────────────────────────────────────────────────────────

async function seed(writer: BulkWriter, nowMs: number): Promise<void> {
  const started = performance.now();
  const box = new SecretBox(checkSecrets(BENCH_SECRET));
  const sealed: string[] = [];
  for (let i = 0; i < population.users; i += 2_000) {
    const end = Math.min(population.users, i + 2_000);
    const chunk = Array.from({ length: end - i }, (_, k) => box.seal(totpSecretOf(i + k), userId(i + k)));
    sealed.push(...(await Promise.all(chunk)));
  }
  await writer.insert(
    'mfa_policies',
    (function* () {
      for (let j = 0; j < population.accounts; j++) {
        yield [accountId(j), modes[j % 3] as string, 7, 0, 1, nowMs - 86_400_000, userId(j)];
      }
    })(),
  );
  await writer.insert(
    'mfa_totp_factors',
    sealed.map((secret, i): Row => [userId(i), secret, null, nowMs - 86_400_000]),
  );
  await writer.insert(
    'mfa_recovery_codes',
    (function* () {
      for (let i = 0; i < population.users; i++) {
        for (let k = 0; k < 10; k++) yield [userId(i), `bench.${i}.${k}`, null];
      }
    })(),
  );
  await writer.insert(
    'mfa_verified_sessions',
    (function* () {
      for (let i = 0; i < GUARD_USERS; i++) yield [userId(i), `s${i}`, nowMs];
    })(),
  );
  await writer.insert(
    'mfa_audit',
    (function* () {
      for (let i = 0; i < population.users; i++) {
        yield ['mfa.enrolled', userId(i), userId(i), null, '{"enrolled":false}', '{"enrolled":true}', nowMs];
      }
    })(),
  );
  await writer.analyze();
  console.log(
    `  seeded ${population.users.toLocaleString('en-US')} enrolled users, ${population.accounts.toLocaleString('en-US')} accounts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

// ── the server process ──────────────────────────────────────────────────────

interface Server {
  child: ChildProcess;
  port: number;
  usage(): Promise<{ cpuMicros: number; at: number }>;
  profile(what: 'start' | 'stop', file?: string): Promise<void>;
  stop(): Promise<void>;
}

function once<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`the benchmark server exited (${code}) before answering ${type}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function startServer(store: string, pin: boolean): Promise<Server> {
  const nodeArgs = ['--import', 'tsx', HOST];
  const [command, commandArgs] = pin
    ? ['taskset', ['-c', '1', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(command as string, commandArgs as string[], {
    cwd: PACKAGE,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_STORE: store, BENCH_POPULATION: JSON.stringify(population) },
  });
  const { port } = await once<{ port: number }>(child, 'listening');
  return {
    child,
    port,
    usage: () => {
      const reply = once<{ cpuMicros: number; at: number }>(child, 'usage');
      child.send({ type: 'usage' });
      return reply;
    },
    profile: async (what, file) => {
      const reply = once(child, what === 'start' ? 'profile-started' : 'profile-stopped');
      child.send({ type: `profile-${what}`, file });
      await reply;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ── the load ────────────────────────────────────────────────────────────────

interface RequestShape {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A case's requests: a fixed list that each connection goes round (built once), or one made per request. */
type Shape = { list: RequestShape[] } | { next: () => RequestShape };

function shapes(): Record<string, Shape> {
  const asGuardUsers = (prefix: string): Shape => ({
    list: Array.from({ length: GUARD_USERS }, (_, i) => ({
      method: 'GET',
      path: `${prefix}/${accountId(i % population.accounts)}/data`,
      headers: { 'x-user': userId(i), 'x-session': `s${i}` },
    })),
  });
  let challengeTurn = 0;
  // Its own turn: the reference's pace must not bring the challenge round to users it verified this step.
  let referenceTurn = 0;
  return {
    bare: asGuardUsers('/bare'),
    noop: asGuardUsers('/noop'),
    guard: asGuardUsers('/accounts'),
    // A fresh code of a user not challenged before, computed as the request is sent.
    challenge: {
      next: () => {
        const i = GUARD_USERS + (challengeTurn++ % CHALLENGE_USERS);
        return {
          method: 'POST',
          path: '/mfa/challenge',
          headers: { 'x-user': userId(i), 'x-session': `c${i}`, 'content-type': 'application/json' },
          body: JSON.stringify({ code: totpCodeOf(i, Date.now()) }),
        };
      },
    },
    reference: {
      next: () => {
        const i = GUARD_USERS + (referenceTurn++ % CHALLENGE_USERS);
        return {
          method: 'POST',
          path: '/reference',
          headers: { 'x-user': userId(i), 'content-type': 'application/json' },
          body: JSON.stringify({ code: totpCodeOf(i, Date.now()) }),
        };
      },
    },
    policy: {
      list: Array.from({ length: population.accounts }, (_, j) => ({
        method: 'GET',
        path: `/mfa/accounts/${accountId(j)}/policy`,
        headers: { 'x-user': userId(j), 'x-session': `p${j}` },
      })),
    },
  };
}

async function load(port: number, shape: Shape, seconds: number) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: seconds,
        requests:
          'list' in shape ? shape.list : [{ setupRequest: (request) => ({ ...request, ...shape.next() }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance?.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    if (statusCode < 300) latencies.push(responseTime);
  });
  const result = await finished;
  latencies.sort((a, b) => a - b);
  const failed = [...statuses].filter(([status]) => status >= 300).reduce((n, [, count]) => n + count, 0);
  return {
    answered: result.requests.total,
    rps: latencies.length / result.duration,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    failed: failed + result.errors + result.timeouts,
    statuses,
  };
}

async function runStore(label: string, store: string, writer: BulkWriter, pin: boolean) {
  const results: CaseResult[] = [];
  console.log(`\n${label}`);
  await seed(writer, Date.now());
  await writer.close();
  const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), `mfakit-profile-${label.toLowerCase()}-`)) : null;
  const server = await startServer(store, pin);
  const shapeOf = shapes();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`  round ${round} of ${ROUNDS}`);
      for (const name of CASES) {
        if (SQLITE_ONLY.has(name) && label !== 'SQLite') continue;
        const shape = shapeOf[name];
        if (!shape) throw new Error(`unknown case ${name}`);
        if (WARMUP > 0) await load(server.port, shape, WARMUP);
        if (profileDir) await server.profile('start');
        const before = await server.usage();
        const measured = await load(server.port, shape, DURATION);
        const after = await server.usage();
        const profile = profileDir ? join(profileDir, `${name}-${round}.cpuprofile`) : null;
        if (profile) await server.profile('stop', profile);
        const serverCpu = (after.cpuMicros - before.cpuMicros) / ((after.at - before.at) * 1000);
        const cpuPerRequest = (after.cpuMicros - before.cpuMicros) / Math.max(1, measured.answered);
        results.push({ store: label, name, round, ...measured, serverCpu, cpuPerRequest });
        const note =
          measured.failed > 0
            ? `  (${measured.failed} failed: ${JSON.stringify(Object.fromEntries(measured.statuses))})`
            : '';
        console.log(
          `  ${name.padEnd(10)} ${fmt.rps(measured.rps).padStart(7)} req/s  p50 ${fmt.ms(measured.p50)}  p99 ${fmt.ms(measured.p99)}  server CPU ${fmt.pct(serverCpu)}, ${fmt.us(cpuPerRequest)}/request${note}`,
        );
        if (profile)
          console.log(
            `  CPU profile of the server during ${name} (${profile}):\n${summariseProfile(profile, 25)}`,
          );
      }
    }
  } finally {
    await server.stop();
  }
  return results;
}

async function main() {
  const pin = !args.has('no-pin') && hasTaskset() && pinSelf(0);
  console.log(`mfakit HTTP benchmark — ${machineLine()}`);
  console.log(
    `${DURATION} s per case after ${WARMUP} s of warm-up, median of ${ROUNDS} rounds, ${CONNECTIONS} connections; ${pin ? 'load generator on CPU 0, server on CPU 1' : 'processes not pinned'}`,
  );
  const results: CaseResult[] = [];
  const work = mkdtempSync(join(tmpdir(), 'mfakit-bench-'));
  try {
    if (STORES.includes('sqlite')) {
      const file = join(work, 'mfa.db');
      const store = sqliteStore({ filename: file });
      await store.migrate();
      await store.close();
      results.push(...(await runStore('SQLite', `sqlite:${file}`, sqliteWriter(file), pin)));
    }
    if (STORES.includes('postgres')) {
      if (!DATABASE_URL) {
        console.log('\nPostgreSQL: skipped, set DATABASE_URL');
      } else {
        const url = await freshPostgresSchema(DATABASE_URL, 'mfakit_bench');
        const store = postgresStore({ connectionString: url });
        await store.migrate();
        await store.close();
        results.push(...(await runStore('PostgreSQL', `postgres:${url}`, await postgresWriter(url), pin)));
      }
    }
    report(results);
    if (STEPS) {
      console.log(
        '\nThe guard in-process (app.request, no sockets; its budget measured without the HTTP noise):',
      );
      console.log(await measureGuardInProcess());
      console.log(
        '\nWhere a challenge spends its time (in-process, SQLite file in WAL mode, ten calls at a time):',
      );
      console.log(await measureChallengeSteps(join(work, 'steps.db')));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
