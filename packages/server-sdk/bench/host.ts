/**
 * The benchmark's server: a Hono host on 127.0.0.1 in a process of its own
 * (started by bench/http.ts over IPC), with
 * - `GET /bare/:accountId/data`: a JSON route with nothing in front of it;
 * - `GET /noop/:accountId/data`: the same handler behind a middleware that only calls `next()`;
 * - `GET /accounts/:accountId/data`: the same handler behind `mfa.guard()`;
 * - `POST /reference` (SQLite only): the challenge's ceiling, one otplib verify of the body's
 *   code and one write to a table of its own in the same WAL file, no SDK;
 * - the SDK's HTTP API under `/mfa`.
 * `authenticate` reads the `x-user` and `x-session` headers. The store is named
 * by the `BENCH_STORE` environment variable: `sqlite:<file>` or `postgres:<url>`.
 *
 * IPC: it sends `{ type: 'listening', port }`; it answers `{ type: 'usage' }` with
 * its CPU time so far (µs), `{ type: 'profile-start' }` and `{ type: 'profile-stop',
 * file }` by profiling its CPU in between (into `file`), and `{ type: 'exit' }` by
 * closing and exiting.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { verify } from 'otplib';
import { createMfa, type MfaStore } from '../src/index.ts';
import { sqliteStore } from '../src/sqlite.ts';
import {
  BENCH_SECRET,
  directoryHooks,
  type Population,
  principalOf,
  totpSecretOf,
  userId,
} from './population.ts';

const spec = process.env.BENCH_STORE ?? '';
const population: Population = JSON.parse(process.env.BENCH_POPULATION ?? '{}');

async function openStore(): Promise<MfaStore> {
  if (spec.startsWith('sqlite:')) return sqliteStore({ filename: spec.slice('sqlite:'.length) });
  if (spec.startsWith('postgres:')) {
    const { postgresStore } = await import('../src/postgres.ts');
    return postgresStore({ connectionString: spec.slice('postgres:'.length) });
  }
  throw new Error(`BENCH_STORE must be sqlite:<file> or postgres:<url>, not ${JSON.stringify(spec)}`);
}

const mfa = createMfa({
  store: await openStore(),
  secret: BENCH_SECRET,
  issuer: 'mfakit bench',
  authenticate: (c) => principalOf(c.req.header('x-user'), c.req.header('x-session')),
  ...directoryHooks(population),
  // Delivery on, as in a host that takes the events: the budgets hold with the loop running.
  onEvent: () => {},
});
await mfa.ready();

const app = new Hono();
const data = (c: import('hono').Context) => c.json({ ok: true, accountId: c.req.param('accountId') });
app.get('/bare/:accountId/data', data);
// The floor of any middleware: the same route behind one that only calls next().
app.use('/noop/:accountId/*', async (_c, next) => {
  await next();
});
app.get('/noop/:accountId/data', data);
app.use('/accounts/:accountId/*', mfa.guard());
app.get('/accounts/:accountId/data', data);
app.route('/mfa', mfa.app);
if (spec.startsWith('sqlite:')) {
  const reference = new Database(spec.slice('sqlite:'.length));
  reference.pragma('busy_timeout = 5000');
  reference.pragma('synchronous = NORMAL');
  reference.exec(
    'create table if not exists bench_reference (user_id text primary key, step integer not null)',
  );
  const write = reference.prepare(
    'insert into bench_reference (user_id, step) values (?, ?) on conflict (user_id) do update set step = excluded.step',
  );
  const secrets = new Map<string, string>();
  for (let i = 0; i < (population.users ?? 0); i++) secrets.set(userId(i), totpSecretOf(i));
  app.post('/reference', async (c) => {
    const user = c.req.header('x-user') ?? '';
    const { code } = await c.req.json<{ code: string }>();
    const result = await verify({ secret: secrets.get(user) ?? '', token: code, epochTolerance: 30 });
    if (!result.valid || !('timeStep' in result)) return c.json({ error: 'invalid' }, 400);
    write.run(user, Number(result.timeStep));
    return c.json({ verified: true });
  });
}

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.send?.({ type: 'listening', port: info.port });
});

const inspector = new Session();
inspector.connect();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) =>
    inspector.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );

process.on('message', (message: { type: string; file?: string }) => {
  if (message.type === 'profile-start') {
    void post('Profiler.enable')
      .then(() => post('Profiler.setSamplingInterval', { interval: 100 }))
      .then(() => post('Profiler.start'))
      .then(() => process.send?.({ type: 'profile-started' }));
  } else if (message.type === 'profile-stop') {
    void post('Profiler.stop').then((result) => {
      writeFileSync(message.file as string, JSON.stringify((result as { profile: unknown }).profile));
      process.send?.({ type: 'profile-stopped' });
    });
  } else if (message.type === 'usage') {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'usage', cpuMicros: user + system, at: performance.now() });
  } else if (message.type === 'exit') {
    server.close();
    void mfa.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
