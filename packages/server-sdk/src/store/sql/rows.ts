/** Rows as the SQL stores read and write them, and the values they hold. */
import { type Selectable, sql } from 'kysely';
import type {
  AuditEvent,
  AuditEventInput,
  RememberedDeviceRecord,
  TotpFactorRecord,
  VerificationMethod,
  WebAuthnCredentialRecord,
} from '../../model.ts';
import type { SqlFlavour } from './migrations.ts';
import type { Database } from './schema.ts';
import { toMs } from './write-statements.ts';

export const toDate = (value: number | string) => new Date(Number(value));
export const toDateOrNull = (value: number | string | null) => (value === null ? null : toDate(value));
export const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
export const parse = (value: string | null): unknown => (value === null ? null : JSON.parse(value));

export function factorFromRow(row: Database['mfa_totp_factors']): TotpFactorRecord {
  return {
    userId: row.user_id,
    secret: row.secret,
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    createdAt: toDate(row.created_at),
  };
}

export function deviceFromRow(row: Database['mfa_remembered_devices']): RememberedDeviceRecord {
  return {
    deviceId: row.device_id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    method: row.method as VerificationMethod,
    label: row.label,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
    expiresAt: toDate(row.expires_at),
  };
}

export function credentialFromRow(row: Database['mfa_webauthn_credentials']): WebAuthnCredentialRecord {
  return {
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: JSON.parse(row.transports) as string[],
    backedUp: Boolean(Number(row.backed_up)),
    name: row.name,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
    // Absent on credentials of before migration 0010, as they were written.
    ...(row.rp_id == null ? {} : { rpId: row.rp_id }),
    ...(row.aaguid == null ? {} : { aaguid: row.aaguid }),
  };
}

/**
 * Lists of ids go into a statement as one JSON array parameter, expanded by the database:
 * one statement whatever their number (SQLite binds at most 32,766 values to a statement,
 * PostgreSQL 65,535 and D1 100), nothing compiled per call.
 */
export function jsonIds(flavour: SqlFlavour, idsJson: string) {
  return flavour === 'postgres'
    ? sql<string>`(select jsonb_array_elements_text(cast(${idsJson} as jsonb)))`
    : sql<string>`(select value from json_each(${idsJson}))`;
}

/** An audit event as its `mfa_audit` row (without the id the database gives it). */
export function auditRow(event: AuditEventInput) {
  return {
    type: event.type,
    actor_id: event.actorId,
    user_id: event.userId,
    account_id: event.accountId,
    before: json(event.before),
    after: json(event.after),
    at: toMs(event.at),
  };
}

/** Ids as one JSON array parameter (no bind limit: D1 binds at most 100 to a statement). */
export const idList = (flavour: SqlFlavour, ids: readonly string[]) => jsonIds(flavour, JSON.stringify(ids));

/** An audit event as read. */
export function auditEventFromRow(row: Selectable<Database['mfa_audit']>): AuditEvent {
  return {
    id: String(row.id),
    type: row.type as never,
    actorId: row.actor_id,
    userId: row.user_id,
    accountId: row.account_id,
    before: parse(row.before),
    after: parse(row.after),
    at: toDate(row.at),
  };
}
