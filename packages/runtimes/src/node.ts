/**
 * The scenario on Node 22 and 24 (the binaries of their npm packages, run with
 * `--experimental-transform-types`): the memory store, and `sqliteStore` on Node's
 * built-in `node:sqlite`, in a file of a directory of its own, with no native
 * addon. Prints its reports as JSON.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '@mfakit/server-sdk';
import { postgresStore } from '@mfakit/server-sdk/postgres';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
import { runScenario } from './scenario.ts';

process.chdir(mkdtempSync(join(tmpdir(), 'mfakit-node-')));
// As docs/runtimes.md has it:
const store = sqliteStore({ filename: 'mfa.db', driver: 'node:sqlite' });
const reports = [
  await runScenario('memory', memoryStore()),
  await runScenario('sqliteStore (node:sqlite)', store),
];
// PostgreSQL through pg, when the test names a database (test/postgres.runtimes.test.ts).
const postgres = process.env.MFAKIT_SCENARIO_POSTGRES;
if (postgres)
  reports.push(await runScenario('postgresStore (pg)', postgresStore({ connectionString: postgres })));
console.log(JSON.stringify({ runtime: `Node ${process.versions.node}`, reports }));
