/**
 * Upgrading an SQLite database written before migration 0004_sessions_by_user:
 * verified sessions survive, keyed by user, in a WITHOUT ROWID table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/sqlite.ts';
import {
  BEFORE_FACTS_VERSION,
  BEFORE_REMEMBERED_DEVICES,
  BEFORE_SESSIONS_BY_USER,
  BEFORE_WEBAUTHN,
  migrateOnly,
  writeBeforeFactsVersion,
  writeBeforeRememberedDevices,
  writeBeforeWebAuthn,
} from '../upgrade.ts';
import { expectUpgradedForDevices } from './devices-upgrade.ts';
import { expectUpgradedForFactsVersion } from './facts-upgrade.ts';
import { expectUpgradedForWebAuthn } from './webauthn-upgrade.ts';

const T0 = new Date('2026-03-02T10:00:00.000Z');
let folder = '';
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('SQLite: a database from before sessions were keyed by user', () => {
  it('keeps its verified sessions, now per user, and drops the old table', async () => {
    folder = mkdtempSync(join(tmpdir(), 'mfakit-upgrade-'));
    const filename = join(folder, 'mfa.db');
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(filename) }) });
    await migrateOnly(old, 'sqlite', BEFORE_SESSIONS_BY_USER);
    await sql`insert into mfa_sessions (session_id, user_id, verified_at) values
      ('s-max', 'max', ${T0.getTime()}), ('s-ada', 'ada', ${T0.getTime() + 1000})`.execute(old);
    await old.destroy();

    const store = sqliteStore({ filename });
    await store.migrate();
    expect(await store.getSession('max', 's-max')).toEqual({
      sessionId: 's-max',
      userId: 'max',
      verifiedAt: T0,
      method: 'totp',
    });
    expect(await store.getSession('ada', 's-ada')).toMatchObject({ userId: 'ada' });
    expect(await store.getSession('ada', 's-max')).toBeNull();
    await store.close();

    const db = new Database(filename, { readonly: true });
    const tables = db
      .prepare("select name, sql from sqlite_master where type = 'table' and name like 'mfa_%sessions'")
      .all() as { name: string; sql: string }[];
    db.close();
    expect(tables.map((t) => t.name)).toEqual(['mfa_verified_sessions']);
    expect(tables[0]?.sql.toLowerCase()).toContain('without rowid');
  });
});

describe('SQLite: a database from before WebAuthn (0006_webauthn)', () => {
  it('keeps its policies and sessions (any factor accepted, verified with the app) and takes credentials', async () => {
    folder = mkdtempSync(join(tmpdir(), 'mfakit-upgrade-'));
    const filename = join(folder, 'mfa.db');
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(filename) }) });
    await migrateOnly(old, 'sqlite', BEFORE_WEBAUTHN);
    await writeBeforeWebAuthn(old, T0);
    await old.destroy();

    const store = sqliteStore({ filename });
    await store.migrate();
    await expectUpgradedForWebAuthn(store, T0);
    await store.close();
  });
});

describe('SQLite: a database from before remembered devices (0007_remembered_devices)', () => {
  it('keeps its policies (no device remembered) and takes devices', async () => {
    folder = mkdtempSync(join(tmpdir(), 'mfakit-upgrade-'));
    const filename = join(folder, 'mfa.db');
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(filename) }) });
    await migrateOnly(old, 'sqlite', BEFORE_REMEMBERED_DEVICES);
    await writeBeforeRememberedDevices(old, T0);
    await old.destroy();

    const store = sqliteStore({ filename });
    await store.migrate();
    await expectUpgradedForDevices(store, T0);
    await store.close();
  });
});

describe('SQLite: a database from before the facts version (0008_facts_version)', () => {
  it('keeps its enrollments and grace starts, and versions the writes after it', async () => {
    folder = mkdtempSync(join(tmpdir(), 'mfakit-upgrade-'));
    const filename = join(folder, 'mfa.db');
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(filename) }) });
    await migrateOnly(old, 'sqlite', BEFORE_FACTS_VERSION);
    await writeBeforeFactsVersion(old, T0);
    await old.destroy();

    const store = sqliteStore({ filename });
    await store.migrate();
    await expectUpgradedForFactsVersion(store, T0);
    await store.close();
  });
});
