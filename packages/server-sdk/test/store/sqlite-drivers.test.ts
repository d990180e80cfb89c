/**
 * The embedded store's drivers: better-sqlite3 (an optional peer dependency) and
 * Node's built-in `node:sqlite` (Node ≥ 22.13). A driver that is not there is a
 * configuration error at start-up that says what to install, never a crash at the
 * first request. The missing-package cases run where the package is truly missing:
 * packages/interop's pack test installs the SDK without better-sqlite3 or pg, and
 * packages/runtimes runs `node:sqlite` on Node 22 and 24.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MfaConfigError } from '../../src/index.ts';
import { type SqliteDriver, sqliteStore } from '../../src/sqlite.ts';

const hasNodeSqlite = process.getBuiltinModule('node:sqlite') !== undefined;

describe('sqliteStore drivers', () => {
  it('runs on better-sqlite3 when it is installed and no driver is named', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    await store.migrate();
    await store.close();
  });

  it('runs on a better-sqlite3 database the host opened', async () => {
    const database = new Database(':memory:');
    const store = sqliteStore({ database });
    await store.migrate();
    const tables = database.prepare("select name from sqlite_master where name = 'mfa_policies'").all();
    expect(tables).toEqual([{ name: 'mfa_policies' }]);
    await store.close();
    expect(database.open).toBe(false);
  });

  it(`answers driver 'node:sqlite' on Node ${process.versions.node} ${hasNodeSqlite ? 'with a store' : 'with an MfaConfigError naming better-sqlite3'}`, async () => {
    if (hasNodeSqlite) {
      const store = sqliteStore({ filename: ':memory:', driver: 'node:sqlite' });
      await store.migrate();
      await store.close();
    } else {
      const make = () => sqliteStore({ filename: ':memory:', driver: 'node:sqlite' });
      expect(make).toThrow(MfaConfigError);
      expect(make).toThrow(/node:sqlite.*22\.13.*npm install better-sqlite3/);
    }
  });

  it('refuses a driver it does not know', () => {
    const make = () => sqliteStore({ filename: ':memory:', driver: 'sqlite3' as SqliteDriver });
    expect(make).toThrow(MfaConfigError);
    expect(make).toThrow(/'better-sqlite3' or 'node:sqlite'/);
  });
});
