/** What the runtime tests share: the scenario's steps, and how each runtime's entry is run. */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import type { ScenarioReport } from '../src/scenario.ts';

export const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

const STEPS = [
  'the administrator enrolls with an authenticator app, and verifies with it',
  'the policy becomes "Required for all users", no grace',
  'a scheduled pass reminds the member without MFA, once',
  'the guard refuses a member without MFA: enrollment_required',
  'the member enrolls; the guard lets the session in',
  'a new session is asked for a code: challenge_required',
  'a code verifies the session; the guard lets it in',
  'the same code again, in another session, is refused',
  'the member adds a passkey',
  'a new session verifies with the passkey; the guard lets it in',
  'every change reached onEvent, in order, through a delivery pass',
];

export function expectPassed(runtime: string, report: ScenarioReport) {
  expect(report.failed, `${runtime}, ${report.store}: failed at`).toBeUndefined();
  expect(report.passed).toEqual(STEPS);
  console.log(`scenario passed on ${runtime}, ${report.store}: ${report.passed.length} steps`);
}

/** Runs a runtime's entry and answers the JSON it prints last. */
export function runEntry(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { runtime: string; reports: ScenarioReport[] } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 120_000, env });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}: ${result.error ?? ''}\n${result.stderr}`,
    );
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
}

/** The binary the `bun` package ships in its platform package (its postinstall only links it). */
export function bunBinary(): string {
  const bun = createRequire(require.resolve('bun/package.json'));
  return join(dirname(bun.resolve(`@oven/bun-${process.platform}-${process.arch}/package.json`)), 'bin/bun');
}

/** Deno's binary, as the `deno` package links it. */
export function denoBinary(): string {
  return join(root, 'node_modules/.bin/deno');
}

/** The arguments that run a TypeScript entry under Deno with the workspace's node_modules. */
export const DENO_RUN = ['run', '--allow-all', '--node-modules-dir=manual'];
