/**
 * The guard against the no-op middleware in-process (`app.request()`, no sockets):
 * CPU per request of a bare route, the same route behind a middleware that only
 * calls `next()`, and behind `mfa.guard()` as a verified user whose decision is
 * remembered. Without HTTP, the round-to-round noise of the machine is a fraction
 * of what it is over sockets, so the guard's own cost shows.
 */
import { Hono } from 'hono';
import { createMfa, memoryStore } from '../src/index.ts';
import { BENCH_SECRET, directoryHooks, principalOf, userId } from './population.ts';

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

export async function measureGuardInProcess(calls = 50_000, rounds = 3): Promise<string> {
  const population = { users: 10, accounts: 1 };
  const mfa = createMfa({
    store: memoryStore(),
    secret: BENCH_SECRET,
    issuer: 'Bench',
    authenticate: (c) => principalOf(c.req.header('x-user'), c.req.header('x-session')),
    ...directoryHooks(population),
    // Delivery on, as in a host that takes the events: the budgets hold with the loop running.
    onEvent: () => {},
    policyCacheTtl: 60,
  });
  const app = new Hono();
  app.get('/bare/:accountId/data', (c) => c.json({ ok: true }));
  app.use('/noop/:accountId/*', async (_c, next) => {
    await next();
  });
  app.get('/noop/:accountId/data', (c) => c.json({ ok: true }));
  app.use('/guard/:accountId/*', mfa.guard());
  app.get('/guard/:accountId/data', (c) => c.json({ ok: true }));
  // A user without MFA in an optional account: not_required, remembered after the first request.
  const headers = { 'x-user': userId(0), 'x-session': 's0' };
  const rows: string[] = [];
  const per: Record<string, number[]> = { bare: [], noop: [], guard: [] };
  for (let round = 0; round < rounds; round++) {
    for (const name of ['bare', 'noop', 'guard'] as const) {
      const url = `http://bench/${name}/a0/data`;
      for (let i = 0; i < 2_000; i++) await app.request(url, { headers });
      const start = cpuMicros();
      for (let i = 0; i < calls; i++) {
        const res = await app.request(url, { headers });
        if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
      }
      per[name]?.push((cpuMicros() - start) / calls);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  const diffs = (per.guard ?? []).map((g, i) => g - (per.noop?.[i] ?? 0));
  rows.push('  | case | CPU per request (median of rounds) |', '  |---|---:|');
  for (const name of ['bare', 'noop', 'guard'])
    rows.push(`  | ${name} | ${median(per[name] ?? []).toFixed(2)} µs |`);
  const verdict = median(diffs) <= 5 ? 'met' : 'MISSED';
  rows.push(
    `  guard − noop: ${median(diffs).toFixed(2)} µs (${Math.min(...diffs).toFixed(2)} to ${Math.max(...diffs).toFixed(2)}), budget ≤ 5 µs: ${verdict}`,
  );
  await mfa.close();
  return rows.join('\n');
}
