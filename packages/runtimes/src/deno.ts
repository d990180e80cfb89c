/**
 * The scenario on Deno: the memory store, and Deno's own SQLite (`node:sqlite`)
 * through Kysely's SQLite dialect. Prints its reports as JSON.
 */
import { DatabaseSync } from 'node:sqlite';
import { kyselyStore, memoryStore } from '@mfakit/server-sdk';
import { Kysely, SqliteDialect } from 'kysely';
import { nodeSqlite } from './node-sqlite.ts';
import { runScenario } from './scenario.ts';

declare const Deno: { version: { deno: string } };

const sqlite = new Kysely({
  dialect: new SqliteDialect({ database: nodeSqlite(new DatabaseSync(':memory:')) }),
});
const reports = [
  await runScenario('memory', memoryStore()),
  await runScenario('node:sqlite (Kysely SqliteDialect)', kyselyStore(sqlite, { dialect: 'sqlite' })),
];
await sqlite.destroy();
console.log(JSON.stringify({ runtime: `Deno ${Deno.version.deno}`, reports }));
