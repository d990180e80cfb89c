/**
 * PostgreSQL for tests: `DATABASE_URL` names a server (scripts/test.mjs starts a
 * throwaway one when none is given), and each test file works in schemas of its
 * own, created here and dropped at the end, so files running in parallel never
 * see each other's tables. The store finds its schema through the connection's
 * `search_path`, as a host that keeps mfakit's tables apart would set it.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

/** Set whenever these files run: vitest.config.ts leaves them out without it. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the PostgreSQL tests need a server.');
  return url;
}

/** `DATABASE_URL` with `search_path` set to `schema`, the way a host points the store at a schema. */
export function urlWithSchema(schema: string): string {
  const url = new URL(databaseUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

export interface TestSchemas {
  /** Creates a new empty schema and answers its name. */
  create(label: string): Promise<string>;
  /** Drops every schema created so far. */
  dropAll(): Promise<void>;
  /** Drops them and closes the connection. */
  close(): Promise<void>;
}

/** Fresh schemas in `DATABASE_URL`'s database, named `mfakit_test_<label>_<random>`. */
export function testSchemas(): TestSchemas {
  const admin = new Pool({ connectionString: databaseUrl(), max: 1 });
  admin.on('error', () => {});
  const created: string[] = [];
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const schemas: TestSchemas = {
    async create(label) {
      const name = `mfakit_test_${label}_${randomUUID().slice(0, 8)}`.toLowerCase();
      await admin.query(`create schema ${quote(name)}`);
      created.push(name);
      return name;
    },
    async dropAll() {
      for (const name of created.splice(0)) await admin.query(`drop schema if exists ${quote(name)} cascade`);
    },
    async close() {
      try {
        await schemas.dropAll();
      } finally {
        await admin.end();
      }
    },
  };
  return schemas;
}
