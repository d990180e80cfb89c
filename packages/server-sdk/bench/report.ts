/** What `pnpm bench` reports: each case's figures over the rounds, and the budgets. */
import { fmt, quantile } from './machine.ts';

export interface CaseResult {
  store: string;
  name: string;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  serverCpu: number;
  /** Server CPU time per answered request, µs: the cost, whatever else the machine was doing. */
  cpuPerRequest: number;
  failed: number;
}

/**
 * The budgets, on server CPU per request, each taken within a round against the case
 * it is measured by (issue: "Server SDK by capability"): the guard at most 5 µs over
 * the no-op middleware; a successful challenge at most 2× the reference over HTTP (one
 * otplib verify and one SQLite write behind Hono; in process, 1.3×: challenge-steps.ts); the policy read at most 3× the bare route.
 */
const budgets: Record<
  string,
  {
    against: string;
    measure: (cpu: number, base: number) => number;
    limit: number;
    text: string;
    format: (v: number) => string;
    stores?: string[];
  }
> = {
  guard: {
    against: 'noop',
    measure: (cpu, base) => cpu - base,
    limit: 5,
    text: '≤ noop + 5 µs',
    format: (v) => `+${v.toFixed(1)} µs`,
  },
  challenge: {
    against: 'reference',
    measure: (cpu, base) => cpu / base,
    limit: 2,
    text: '≤ 2× reference',
    format: (v) => `${v.toFixed(2)}×`,
    stores: ['SQLite'],
  },
  policy: {
    against: 'bare',
    measure: (cpu, base) => cpu / base,
    limit: 3,
    text: '≤ 3× bare',
    format: (v) => `${v.toFixed(2)}×`,
  },
};

const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/**
 * Each figure is the median over the rounds. A ratio to bare is taken within each
 * round (the bare route measured seconds before, on the machine as it was then),
 * and its median and range over the rounds are reported: the machine's speed
 * drifts by more than the differences measured, and a round's own pair moves
 * together.
 */
export function report(results: CaseResult[]): void {
  console.log(
    '\n| store | case | req/s | vs bare (range) | p50 | p99 | server CPU per request | bare cost ÷ this | budget |\n|---|---|---:|---:|---:|---:|---:|---:|---|',
  );
  const keys = [...new Set(results.map((r) => `${r.store}\u0000${r.name}`))];
  for (const key of keys) {
    const [store, name] = key.split('\u0000') as [string, string];
    const rounds = results.filter((r) => r.store === store && r.name === name);
    const bareOf = (round: number) =>
      results.find((b) => b.store === store && b.name === 'bare' && b.round === round);
    const paired = (of: (r: CaseResult, bare: CaseResult) => number) =>
      rounds.flatMap((r) => {
        const bare = bareOf(r.round);
        return bare ? [of(r, bare)] : [];
      });
    const ratios = paired((r, bare) => r.rps / bare.rps);
    const costRatios = paired((r, bare) => bare.cpuPerRequest / r.cpuPerRequest);
    const ratio = ratios.length ? median(ratios) : Number.NaN;
    const range =
      ratios.length > 1 ? ` (${fmt.pct(Math.min(...ratios))}–${fmt.pct(Math.max(...ratios))})` : '';
    const budget = budgets[name];
    let verdict = '';
    if (budget && (!budget.stores || budget.stores.includes(store))) {
      const measured = rounds.flatMap((r) => {
        const base = results.find(
          (b) => b.store === store && b.name === budget.against && b.round === r.round,
        );
        return base ? [budget.measure(r.cpuPerRequest, base.cpuPerRequest)] : [];
      });
      if (measured.length > 0) {
        const value = median(measured);
        const spread =
          measured.length > 1
            ? ` (${budget.format(Math.min(...measured))}–${budget.format(Math.max(...measured))})`
            : '';
        verdict = `${budget.format(value)}${spread}, ${budget.text}: ${value <= budget.limit ? 'met' : 'MISSED'}`;
      }
    }
    const failed = rounds.reduce((n, r) => n + r.failed, 0);
    const mid = (of: (r: CaseResult) => number) => median(rounds.map(of));
    console.log(
      `| ${store} | ${name} | ${fmt.rps(mid((r) => r.rps))} | ${fmt.pct(ratio)}${range} | ${fmt.ms(mid((r) => r.p50))} | ${fmt.ms(mid((r) => r.p99))} | ${fmt.us(mid((r) => r.cpuPerRequest))} | ${costRatios.length ? fmt.pct(median(costRatios)) : 'n/a'} | ${verdict}${failed ? ` (${failed} failed)` : ''} |`,
    );
  }
}
