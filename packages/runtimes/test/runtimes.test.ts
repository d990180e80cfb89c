/**
 * The scenario (src/scenario.ts) on each runtime: Node in this process; Node 22 and 24, Bun,
 * Deno and workerd each in a process of its own, from the binaries their npm
 * packages ship. A runtime that cannot start is a failure, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kyselyStore, memoryStore } from '@mfakit/server-sdk';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Miniflare } from 'miniflare';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { driveScenario, runScenario, SCENARIO_START, type ScenarioReport } from '../src/scenario.ts';
import { bunBinary, DENO_RUN, denoBinary, expectPassed, root, runEntry } from './entries.ts';
import { FIRST_NODE_SQLITE, NODE_RELEASES, nodeBinary } from './node-binaries.ts';

/** A test of vitest's JSON report. */
interface Assertion {
  fullName: string;
  status: string;
  failureMessages: string[];
}

/**
 * Runs vitest with `conformance/vitest.<config>.config.ts` under another runtime and
 * answers how many tests passed, failing on any failure, skip or missing report.
 */
function conformanceUnder(command: string, vitest: string[], config: string): number {
  const report = join(mkdtempSync(join(tmpdir(), 'mfakit-conformance-')), 'report.json');
  const result = spawnSync(
    command,
    [
      ...vitest,
      'run',
      '--config',
      `conformance/vitest.${config}.config.ts`,
      '--reporter=json',
      `--outputFile=${report}`,
    ],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  expect(result.status, (result.stdout + result.stderr).slice(-2000)).toBe(0);
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const { numPassedTests, numFailedTests, numPendingTests } = json;
  const failures = json.testResults.flatMap((file: { assertionResults: Assertion[]; message: string }) => [
    ...(file.message ? [file.message] : []),
    ...file.assertionResults
      .filter((a) => a.status !== 'passed')
      .map((a) => `${a.fullName}: ${a.failureMessages.join('\n')}`),
  ]);
  expect(failures).toEqual([]);
  expect({ numFailedTests, numPendingTests }).toEqual({ numFailedTests: 0, numPendingTests: 0 });
  expect(numPassedTests).toBeGreaterThan(50);
  return numPassedTests;
}

describe('docs/runtimes.md', () => {
  it('shows the store of each runtime as its test builds it (packages/interop checks each line)', () => {
    const page = readFileSync(join(root, '../../docs/runtimes.md'), 'utf8');
    const marked = [...page.matchAll(/<!-- snippet: packages\/runtimes\/(\S+) -->/g)].map((m) => m[1]);
    expect(marked).toEqual([
      'src/node.ts',
      'test/runtimes.test.ts',
      'src/bun.ts',
      'src/deno.ts',
      'src/worker.ts',
    ]);
  });
});

describe('the scenario', () => {
  it(`runs on Node ${process.versions.node}: memory, sqliteStore, and better-sqlite3 through kyselyStore`, async () => {
    const runtime = `Node ${process.versions.node}`;
    expectPassed(runtime, await runScenario('memory', memoryStore()));
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'mfakit-node-')));
    try {
      // As docs/runtimes.md has it:
      const store = sqliteStore({ filename: 'mfa.db' });
      expectPassed(runtime, await runScenario('sqliteStore', store));
    } finally {
      process.chdir(cwd);
    }
    const db = new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    expectPassed(
      runtime,
      await runScenario('better-sqlite3 (kyselyStore)', kyselyStore(db, { dialect: 'sqlite' })),
    );
    await db.destroy();
  });

  it('runs on Bun: memory and bun:sqlite', () => {
    const { runtime, reports } = runEntry(bunBinary(), ['run', 'src/bun.ts']);
    expect(runtime).toMatch(/^Bun 1\.4\./);
    expect(reports.map((r) => r.store)).toEqual(['memory', 'bun:sqlite (kysely-bun-sqlite)']);
    for (const report of reports) expectPassed(runtime, report);
  });

  it("runs on Deno: memory and Deno's node:sqlite", () => {
    const { runtime, reports } = runEntry(denoBinary(), [...DENO_RUN, 'src/deno.ts']);
    expect(runtime).toMatch(/^Deno 2\.9\./);
    expect(reports.map((r) => r.store)).toEqual(['memory', 'node:sqlite (Kysely SqliteDialect)']);
    for (const report of reports) expectPassed(runtime, report);
  });

  it('the store conformance suite passes on bun:sqlite (bun test, its vitest API mapped onto bun:test)', () => {
    const result = spawnSync(
      bunBinary(),
      ['test', '--preload', './conformance/vitest-as-bun-test.ts', './conformance/bun-sqlite.test.ts'],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    const output = result.stdout + result.stderr;
    const count = (word: string) => Number(output.match(new RegExp(`^\\s*(\\d+) ${word}$`, 'm'))?.[1] ?? NaN);
    expect(result.status, output.slice(-2000)).toBe(0);
    expect(count('fail')).toBe(0);
    expect(count('pass')).toBeGreaterThan(50);
    console.log(`store conformance on Bun, bun:sqlite: ${count('pass')} passed, ${count('fail')} failed`);
  });

  it("the store conformance suite passes on Deno's node:sqlite (vitest under Deno)", () => {
    const passed = conformanceUnder(denoBinary(), [...DENO_RUN, 'node_modules/vitest/vitest.mjs'], 'deno');
    console.log(`store conformance on Deno, node:sqlite: ${passed} passed, 0 failed`);
  });

  it(`passes the store conformance suite on Node ${FIRST_NODE_SQLITE}, the first with node:sqlite unflagged (no StatementSync#columns)`, () => {
    const passed = conformanceUnder(
      nodeBinary(FIRST_NODE_SQLITE),
      ['node_modules/vitest/vitest.mjs'],
      'node',
    );
    console.log(`store conformance on Node ${FIRST_NODE_SQLITE}, node:sqlite: ${passed} passed, 0 failed`);
  });

  describe.each([22, 24] as const)('on Node %i (the binary of its npm package)', (line) => {
    it('runs the scenario: memory, and sqliteStore on node:sqlite', () => {
      const { runtime, reports } = runEntry(nodeBinary(line), [
        '--experimental-transform-types',
        '--no-warnings',
        'src/node.ts',
      ]);
      expect(runtime).toBe(`Node ${NODE_RELEASES[line]}`);
      expect(reports.map((r) => r.store)).toEqual(['memory', 'sqliteStore (node:sqlite)']);
      for (const report of reports) expectPassed(runtime, report);
    });

    it('passes the store conformance suite with sqliteStore on node:sqlite, in memory and in a file', () => {
      const passed = conformanceUnder(nodeBinary(line), ['node_modules/vitest/vitest.mjs'], 'node');
      console.log(
        `store conformance on Node ${NODE_RELEASES[line]}, node:sqlite: ${passed} passed, 0 failed`,
      );
    });
  });

  describe('on workerd (Miniflare, nodejs_compat)', () => {
    const out = mkdtempSync(join(tmpdir(), 'mfakit-worker-'));
    let miniflare: Miniflare | undefined;
    afterAll(async () => {
      await miniflare?.dispose();
      rmSync(out, { recursive: true, force: true });
    });

    it('runs on the memory store within one request', async () => {
      process.env.WORKER_OUT = out;
      await build({ configFile: join(root, 'vite.worker.config.ts'), root, logLevel: 'warn' });
      miniflare = new Miniflare({
        modules: true,
        script: readFileSync(join(out, 'worker.js'), 'utf8'),
        compatibilityDate: '2026-04-01',
        compatibilityFlags: ['nodejs_compat'],
        d1Databases: ['DB', 'SCENARIO_DB'],
      });
      const response = await miniflare.dispatchFetch('http://localhost/memory');
      expectPassed('workerd', (await response.json()) as ScenarioReport);
    });

    it('runs on D1 within one request, its migrations applied by the store', async () => {
      if (!miniflare) throw new Error('the worker did not start (see the test before)');
      const response = await miniflare.dispatchFetch('http://localhost/d1');
      expectPassed('workerd', (await response.json()) as ScenarioReport);
      // The tables are in the D1 database, not in the request.
      const d1 = await miniflare.getD1Database('SCENARIO_DB');
      const { results } = await d1.prepare('select count(*) as n from mfa_totp_factors').all<{ n: number }>();
      expect(results[0]?.n).toBe(2);
    });

    it('serves the SDK on D1 from the Worker, the scenario driven from outside a request at a time', async () => {
      const worker = miniflare;
      if (!worker) throw new Error('the worker did not start (see the tests before)');
      let now = SCENARIO_START;
      const report = await driveScenario('D1 (kysely-d1), over HTTP', {
        async fetch(request) {
          const body = request.body ? await request.text() : undefined;
          const response = await worker.dispatchFetch(request.url, {
            method: request.method,
            headers: Object.fromEntries(request.headers),
            ...(body === undefined ? {} : { body }),
          });
          return new Response(await response.text(), { status: response.status });
        },
        now: () => now,
        async advance(ms) {
          now += ms;
          await worker.dispatchFetch(`http://localhost/__clock?at=${now}`, { method: 'POST' });
        },
      });
      expectPassed('workerd', report);
      const d1 = await worker.getD1Database('DB');
      const { results } = await d1.prepare('select count(*) as n from mfa_totp_factors').all<{ n: number }>();
      expect(results[0]?.n).toBe(2);
    });
  });
});
