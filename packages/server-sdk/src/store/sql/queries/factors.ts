/** The app's and every factor's one-statement methods (reads, and writes that need no plan). */

import { type Enrollment, factorMethods, isFactorMethod } from '../../../model.ts';
import type { MfaStore } from '../../store.ts';
import { factorFromRow, toDate } from '../rows.ts';
import { toMs } from '../write-statements.ts';
import type { QueryContext } from './context.ts';

export function factorsQueries({
  ready,
  q,
  hot,
}: QueryContext): Required<
  Pick<
    MfaStore,
    | 'getTotpFactor'
    | 'getEnrollments'
    | 'updateTotpSecret'
    | 'listTotpSecrets'
    | 'putPendingTotp'
    | 'getPendingTotp'
  >
> {
  return {
    async getTotpFactor(userId) {
      await ready();
      const [row] = (await hot.factor(userId)).rows;
      return row ? factorFromRow(row) : null;
    },
    async getEnrollments(userIds) {
      await ready();
      const enrolled = new Map<string, Enrollment>();
      if (userIds.length === 0) return enrolled;
      for (const row of (await hot.enrollments(JSON.stringify(userIds))).rows) {
        const since = toDate(row.created_at as number | string);
        const known = enrolled.get(row.user_id);
        const method = row.method;
        if (!isFactorMethod(method)) continue;
        if (!known) enrolled.set(row.user_id, { methods: [method], since });
        else {
          // In `factorMethods`' order, whatever order the rows came in.
          known.methods = factorMethods.filter((m) => m === method || known.methods.includes(m));
          if (since < known.since) known.since = since;
        }
      }
      return enrolled;
    },
    async updateTotpSecret(userId, secret, expected) {
      const result = await (await q())
        .updateTable('mfa_totp_factors')
        .set({ secret })
        .where('user_id', '=', userId)
        .where('secret', '=', expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listTotpSecrets(after, limit) {
      let query = (await q()).selectFrom('mfa_totp_factors').select(['user_id', 'secret']);
      if (after !== null) query = query.where('user_id', '>', after);
      // The database's own order of user ids, the same one `>` pages by.
      const rows = await query.orderBy('user_id').limit(limit).execute();
      return rows.map((row) => ({ userId: row.user_id, secret: row.secret }));
    },
    async putPendingTotp(pending) {
      const row = { user_id: pending.userId, secret: pending.secret, expires_at: toMs(pending.expiresAt) };
      await (await q())
        .insertInto('mfa_pending_totp')
        .values(row)
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({ secret: row.secret, expires_at: row.expires_at }),
        )
        .execute();
    },
    async getPendingTotp(userId) {
      const row = await (await q())
        .selectFrom('mfa_pending_totp')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? { userId: row.user_id, secret: row.secret, expiresAt: toDate(row.expires_at) } : null;
    },
  };
}
