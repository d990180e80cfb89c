/** Grace periods read, the facts version, the store's own records and the audit trail. */
import type { Kysely } from 'kysely';
import type { AuditEvent, AuditEventInput, GraceRecord } from '../../../model.ts';
import type { MfaStore } from '../../store.ts';
import { auditEventFromRow, jsonIds } from '../rows.ts';
import type { Database } from '../schema.ts';
import { auditInsert } from '../settle-statements.ts';
import { FACTS_SHARDS } from '../trust-change.ts';
import { graceRecord } from '../write-statements.ts';
import type { QueryContext } from './context.ts';

/** Past this many ids, an account's grace starts are read by one scan of the account's rows. */
const ACCOUNT_SCAN_FROM = 1000;

async function appendAudit(db: Kysely<Database>, event: AuditEventInput): Promise<AuditEvent> {
  const row = await auditInsert(db, event).executeTakeFirstOrThrow();
  return { ...event, id: String(row.id) };
}

export function recordsQueries({
  flavour,
  ready,
  q,
  hot,
}: QueryContext): Required<
  Pick<MfaStore, 'getGraceStarts' | 'factsVersion' | 'getMeta' | 'putMeta' | 'appendAudit' | 'listAudit'>
> {
  /** Versions answered while the counter row is missing (never the same twice). */
  let unversioned = 0;
  return {
    async getGraceStarts(accountId, userIds) {
      const starts = new Map<string, GraceRecord>();
      const db = await q();
      if (userIds.length > ACCOUNT_SCAN_FROM) {
        // Most of an account's members (its members page): one scan of the account's rows by
        // the primary key's prefix, not a statement per thousand ids.
        const wanted = new Set(userIds);
        const rows = await db
          .selectFrom('mfa_grace')
          .select(['user_id', 'started_at', 'forfeited_at'])
          .where('account_id', '=', accountId)
          .execute();
        for (const row of rows) if (wanted.has(row.user_id)) starts.set(row.user_id, graceRecord(row));
        return starts;
      }
      const rows = await db
        .selectFrom('mfa_grace')
        .select(['user_id', 'started_at', 'forfeited_at'])
        .where('account_id', '=', accountId)
        .where('user_id', 'in', jsonIds(flavour, JSON.stringify(userIds)))
        .execute();
      for (const row of rows) starts.set(row.user_id, graceRecord(row));
      return starts;
    },
    async factsVersion() {
      await ready();
      const rows = (await hot.factsVersion()).rows;
      // Without its rows (deleted by hand) the counter moves with nothing: no answer repeats.
      return rows.length === FACTS_SHARDS
        ? rows.map((row) => String(row.value)).join('.')
        : `unversioned-${++unversioned}`;
    },
    async getMeta(key) {
      const row = await (await q())
        .selectFrom('mfa_meta')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? row.value : null;
    },
    async putMeta(key, value, expected) {
      const db = await q();
      if (expected === null) {
        const result = await db
          .insertInto('mfa_meta')
          .values({ key, value })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      const result = await db
        .updateTable('mfa_meta')
        .set({ value })
        .where('key', '=', key)
        .where('value', '=', expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async appendAudit(event) {
      return appendAudit(await q(), event);
    },
    async listAudit({ accountId, userIds, beforeId, limit }) {
      const db = await q();
      const ids = jsonIds(flavour, JSON.stringify(userIds));
      let query = db
        .selectFrom('mfa_audit')
        .selectAll()
        .where((eb) =>
          userIds.length === 0
            ? eb('account_id', '=', accountId)
            : eb.or([
                eb('account_id', '=', accountId),
                eb.and([eb('account_id', 'is', null), eb('user_id', 'in', ids)]),
              ]),
        );
      if (beforeId !== undefined) query = query.where('id', '<', Number(beforeId));
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(auditEventFromRow);
    },
  };
}
