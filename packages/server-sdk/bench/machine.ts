import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One line on the machine a benchmark ran on: cores, model, memory, Node. */
export function machineLine(): string {
  const cores = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${gib} GiB, Node ${process.version}`;
}

/** Pins this process to one CPU (Linux `taskset`), so it does not compete with the server's. */
export function pinSelf(cpu: number): boolean {
  try {
    execFileSync('taskset', ['-pc', String(cpu), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The value at quantile q (0..1) of sorted numbers. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

export const fmt = {
  ms: (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : 'n/a'),
  us: (value: number) => `${value.toFixed(1)} µs`,
  rps: (value: number) => Math.round(value).toLocaleString('en-US'),
  pct: (value: number) => `${(value * 100).toFixed(1)}%`,
};
