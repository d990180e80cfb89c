/**
 * The scenario on PostgreSQL (`postgresStore`, pg) on Node (20 here, 22 and 24 from
 * their npm packages), Bun and Deno: each runtime
 * in a schema of its own of `DATABASE_URL`'s database, as a host that keeps mfakit's
 * tables apart would point the store at one (`search_path`). Needs `DATABASE_URL`
 * (vitest.config.ts leaves this file out without it; scripts/test.mjs starts a server).
 */
import { randomUUID } from 'node:crypto';
import { postgresStore } from '@mfakit/server-sdk/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../src/scenario.ts';
import { bunBinary, DENO_RUN, denoBinary, expectPassed, runEntry } from './entries.ts';
import { nodeBinary } from './node-binaries.ts';

const admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.end();
});

/** A new schema, and `DATABASE_URL` pointed at it. */
async function schemaUrl(runtime: string): Promise<string> {
  const schema = `mfakit_runtime_${runtime}_${randomUUID().slice(0, 8)}`;
  await admin.query(`create schema "${schema}"`);
  schemas.push(schema);
  const url = new URL(process.env.DATABASE_URL as string);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

const withPostgres = async (runtime: string) => ({
  ...process.env,
  MFAKIT_SCENARIO_POSTGRES: await schemaUrl(runtime),
});

describe('the scenario on PostgreSQL', () => {
  it(`runs on Node ${process.versions.node}`, async () => {
    const url = await schemaUrl('node');
    expectPassed(
      `Node ${process.versions.node}`,
      await runScenario('postgresStore (pg)', postgresStore({ connectionString: url })),
    );
  });

  it.each([22, 24] as const)('runs on Node %i', async (line) => {
    const { runtime, reports } = runEntry(
      nodeBinary(line),
      ['--experimental-transform-types', '--no-warnings', 'src/node.ts'],
      await withPostgres(`node${line}`),
    );
    const report = reports.find((r) => r.store === 'postgresStore (pg)');
    expect(report, JSON.stringify(reports.map((r) => r.store))).toBeDefined();
    expectPassed(runtime, report as NonNullable<typeof report>);
  });

  it('runs on Bun', async () => {
    const { runtime, reports } = runEntry(bunBinary(), ['run', 'src/bun.ts'], await withPostgres('bun'));
    const report = reports.find((r) => r.store === 'postgresStore (pg)');
    expect(report, JSON.stringify(reports.map((r) => r.store))).toBeDefined();
    expectPassed(runtime, report as NonNullable<typeof report>);
  });

  it('runs on Deno', async () => {
    const { runtime, reports } = runEntry(
      denoBinary(),
      [...DENO_RUN, 'src/deno.ts'],
      await withPostgres('deno'),
    );
    const report = reports.find((r) => r.store === 'postgresStore (pg)');
    expect(report, JSON.stringify(reports.map((r) => r.store))).toBeDefined();
    expectPassed(runtime, report as NonNullable<typeof report>);
  });
});
