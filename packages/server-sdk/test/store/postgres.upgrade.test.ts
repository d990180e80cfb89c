/** Upgrading a PostgreSQL schema written before migration 0004_sessions_by_user (needs DATABASE_URL). */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/postgres.ts';
import { testSchemas, urlWithSchema } from '../postgres.helpers.ts';
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

const schemas = testSchemas();
afterAll(() => schemas.close());
const T0 = new Date('2026-03-02T10:00:00.000Z');

describe('PostgreSQL: a schema from before sessions were keyed by user', () => {
  it('keeps its verified sessions, now per user, and drops the old table', async () => {
    const url = urlWithSchema(await schemas.create('upgrade'));
    const old = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: url }) }),
    });
    await migrateOnly(old, 'postgres', BEFORE_SESSIONS_BY_USER);
    await sql`insert into mfa_sessions (session_id, user_id, verified_at) values
      ('s-max', 'max', ${T0.getTime()}), ('s-ada', 'ada', ${T0.getTime() + 1000})`.execute(old);

    const store = postgresStore({ connectionString: url });
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

    const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_name like 'mfa_%sessions'`.execute(old);
    expect(rows.map((r) => r.name)).toEqual(['mfa_verified_sessions']);
    await old.destroy();
  });
});

describe('PostgreSQL: a schema from before WebAuthn (0006_webauthn)', () => {
  it('keeps its policies and sessions (any factor accepted, verified with the app) and takes credentials', async () => {
    const url = urlWithSchema(await schemas.create('upgrade6'));
    const old = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: url }) }),
    });
    await migrateOnly(old, 'postgres', BEFORE_WEBAUTHN);
    await writeBeforeWebAuthn(old, T0);
    await old.destroy();

    const store = postgresStore({ connectionString: url });
    await store.migrate();
    await expectUpgradedForWebAuthn(store, T0);
    await store.close();
  });
});

describe('PostgreSQL: a schema from before remembered devices (0007_remembered_devices)', () => {
  it('keeps its policies (no device remembered) and takes devices', async () => {
    const url = urlWithSchema(await schemas.create('upgrade7'));
    const old = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: url }) }),
    });
    await migrateOnly(old, 'postgres', BEFORE_REMEMBERED_DEVICES);
    await writeBeforeRememberedDevices(old, T0);
    await old.destroy();

    const store = postgresStore({ connectionString: url });
    await store.migrate();
    await expectUpgradedForDevices(store, T0);
    await store.close();
  });
});

describe('PostgreSQL: a schema from before the facts version (0008_facts_version)', () => {
  it('keeps its enrollments and grace starts, and versions the writes after it', async () => {
    const url = urlWithSchema(await schemas.create('upgrade8'));
    const old = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: url }) }),
    });
    await migrateOnly(old, 'postgres', BEFORE_FACTS_VERSION);
    await writeBeforeFactsVersion(old, T0);
    await old.destroy();

    const store = postgresStore({ connectionString: url });
    await store.migrate();
    await expectUpgradedForFactsVersion(store, T0);
    await store.close();
  });
});
