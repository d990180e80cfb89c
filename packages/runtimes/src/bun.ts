/**
 * The scenario on Bun: the memory store, and bun:sqlite through Kysely (kysely-bun-sqlite),
 * in a file of a directory of its own. Prints its reports as JSON.
 */
import { Database } from 'bun:sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kyselyStore, memoryStore } from '@mfakit/server-sdk';
import { postgresStore } from '@mfakit/server-sdk/postgres';
import { Kysely } from 'kysely';
import { BunSqliteDialect } from 'kysely-bun-sqlite';
import { runScenario } from './scenario.ts';

declare const Bun: { version: string };

process.chdir(mkdtempSync(join(tmpdir(), 'mfakit-bun-')));
// As docs/runtimes.md has it:
const db = new Kysely({ dialect: new BunSqliteDialect({ database: new Database('mfa.db') }) });
const store = kyselyStore(db, { dialect: 'sqlite' });
const reports = [
  await runScenario('memory', memoryStore()),
  await runScenario('bun:sqlite (kysely-bun-sqlite)', store),
];
// PostgreSQL through pg, when the test names a database (test/postgres.runtimes.test.ts).
const postgres = process.env.MFAKIT_SCENARIO_POSTGRES;
if (postgres)
  reports.push(await runScenario('postgresStore (pg)', postgresStore({ connectionString: postgres })));
await db.destroy();
console.log(JSON.stringify({ runtime: `Bun ${Bun.version}`, reports }));
