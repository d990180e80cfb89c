/**
 * The scenario on Deno: the memory store, and Deno's own SQLite (`node:sqlite`)
 * through Kysely's SQLite dialect, in a file of a directory of its own. Prints its
 * reports as JSON.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { kyselyStore, memoryStore } from '@mfakit/server-sdk';
import { postgresStore } from '@mfakit/server-sdk/postgres';
import { Kysely, SqliteDialect } from 'kysely';
import { nodeSqlite } from './node-sqlite.ts';
import { runScenario } from './scenario.ts';

declare const Deno: { version: { deno: string } };

process.chdir(mkdtempSync(join(tmpdir(), 'mfakit-deno-')));
// As docs/runtimes.md has it:
const db = new Kysely({ dialect: new SqliteDialect({ database: nodeSqlite(new DatabaseSync('mfa.db')) }) });
const store = kyselyStore(db, { dialect: 'sqlite' });
const reports = [
  await runScenario('memory', memoryStore()),
  await runScenario('node:sqlite (Kysely SqliteDialect)', store),
];
// PostgreSQL through pg, when the test names a database (test/postgres.runtimes.test.ts).
const postgres = process.env.MFAKIT_SCENARIO_POSTGRES;
if (postgres)
  reports.push(await runScenario('postgresStore (pg)', postgresStore({ connectionString: postgres })));
await db.destroy();
console.log(JSON.stringify({ runtime: `Deno ${Deno.version.deno}`, reports }));
