/** The scenario on Bun: the memory store, and bun:sqlite through Kysely (kysely-bun-sqlite). Prints its reports as JSON. */
import { Database } from 'bun:sqlite';
import { kyselyStore, memoryStore } from '@mfakit/server-sdk';
import { Kysely } from 'kysely';
import { BunSqliteDialect } from 'kysely-bun-sqlite';
import { runScenario } from './scenario.ts';

declare const Bun: { version: string };

const sqlite = new Kysely({ dialect: new BunSqliteDialect({ database: new Database(':memory:') }) });
const reports = [
  await runScenario('memory', memoryStore()),
  await runScenario('bun:sqlite (kysely-bun-sqlite)', kyselyStore(sqlite, { dialect: 'sqlite' })),
];
await sqlite.destroy();
console.log(JSON.stringify({ runtime: `Bun ${Bun.version}`, reports }));
