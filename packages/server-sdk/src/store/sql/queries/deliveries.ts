import { sql } from 'kysely';
/** The audit trail as an outbox: subscribers' cursors and leases, each one guarded statement. */
import type { DeliveryCursor } from '../../delivery-store.ts';
import type { MfaStore } from '../../store.ts';
import { auditEventFromRow, toDateOrNull } from '../rows.ts';
import type { Database } from '../schema.ts';
import type { QueryContext } from './context.ts';

function cursorFromRow(row: Database['mfa_deliveries']): DeliveryCursor {
  const lastId = Number(row.last_id);
  return {
    subscriber: row.subscriber,
    lastId: lastId === 0 ? null : String(lastId),
    failures: Number(row.failures),
    retryAt: toDateOrNull(row.retry_at),
    leaseOwner: row.lease_owner,
    leaseUntil: toDateOrNull(row.lease_until),
  };
}

export function deliveriesQueries({
  q,
}: QueryContext): Required<
  Pick<
    MfaStore,
    | 'registerSubscriber'
    | 'leaseDelivery'
    | 'recordDelivery'
    | 'listDeliveries'
    | 'listEventsAfter'
    | 'countEventsAfter'
  >
> {
  const position = (afterId: string | null) => (afterId === null ? 0 : Number(afterId));
  return {
    async registerSubscriber(subscriber) {
      const db = await q();
      await db
        .insertInto('mfa_deliveries')
        .columns(['subscriber', 'last_id', 'failures'])
        .expression((eb) =>
          eb
            .selectFrom('mfa_audit')
            .select((e) => [
              e.val(subscriber).as('subscriber'),
              e.fn.coalesce(e.fn.max('id'), e.lit(0)).as('last_id'),
              e.lit(0).as('failures'),
            ])
            // SQLite reads `ON CONFLICT` after a SELECT without WHERE as the join's.
            .where(sql<boolean>`1 = 1`),
        )
        .onConflict((oc) => oc.column('subscriber').doNothing())
        .execute();
    },
    async leaseDelivery(subscriber, owner, now, until) {
      const row = await (await q())
        .updateTable('mfa_deliveries')
        .set({ lease_owner: owner, lease_until: until.getTime() })
        .where('subscriber', '=', subscriber)
        .where((eb) =>
          eb.or([
            eb('lease_owner', 'is', null),
            eb('lease_owner', '=', owner),
            eb('lease_until', '<=', now.getTime()),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      return row ? cursorFromRow(row) : null;
    },
    async recordDelivery(subscriber, owner, progress) {
      const result = await (await q())
        .updateTable('mfa_deliveries')
        .set({
          last_id: position(progress.lastId),
          failures: progress.failures,
          retry_at: progress.retryAt ? progress.retryAt.getTime() : null,
          ...(progress.release ? { lease_owner: null, lease_until: null } : {}),
        })
        .where('subscriber', '=', subscriber)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listDeliveries() {
      const rows = await (await q()).selectFrom('mfa_deliveries').selectAll().orderBy('subscriber').execute();
      return rows.map(cursorFromRow);
    },
    async listEventsAfter(afterId, limit) {
      const rows = await (await q())
        .selectFrom('mfa_audit')
        .selectAll()
        .where('id', '>', position(afterId))
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(auditEventFromRow);
    },
    async countEventsAfter(afterId) {
      const row = await (await q())
        .selectFrom('mfa_audit')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('id', '>', position(afterId))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
