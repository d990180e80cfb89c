/** What the access decision reads (the policy, sessions, devices, attempts, codes) and the expired rows pruned. */
import { sql } from 'kysely';
import type { AllowedFactors, PolicyMode, PolicyRecord, SessionMethod } from '../../../model.ts';
import type { MfaStore } from '../../store.ts';
import type { SqlFlavour } from '../migrations.ts';
import { deviceFromRow, toDate, toDateOrNull } from '../rows.ts';
import { toMs } from '../write-statements.ts';
import type { QueryContext } from './context.ts';

/** A recovery code hash's key id: what comes before its first dot. */
function keyIdOf(flavour: SqlFlavour) {
  return flavour === 'postgres'
    ? sql<string>`split_part(code_hash, '.', 1)`
    : sql<string>`substr(code_hash, 1, instr(code_hash, '.') - 1)`;
}

export function accessQueries({
  db,
  flavour,
  ready,
  q,
  hot,
  settling,
}: QueryContext): Required<
  Pick<
    MfaStore,
    | 'getPolicy'
    | 'countRecoveryCodeUsersByKey'
    | 'recoveryCodeKeys'
    | 'countRecoveryCodes'
    | 'findRememberedDevice'
    | 'listRememberedDevices'
    | 'getAttempts'
    | 'markSessionVerified'
    | 'getSession'
    | 'pruneExpired'
  >
> {
  return {
    async getPolicy(accountId) {
      await ready();
      const [row] = (await hot.policy(accountId)).rows;
      if (!row) return null;
      return {
        accountId: row.account_id,
        mode: row.mode as PolicyMode,
        gracePeriodDays: Number(row.grace_period_days),
        enforceAfterSso: Boolean(Number(row.enforce_after_sso)),
        allowedFactors: (row.allowed_factors ?? 'any') as AllowedFactors,
        rememberDeviceDays: Number(row.remember_device_days ?? 0),
        enforceFrom: toDateOrNull(row.enforce_from ?? null),
        version: Number(row.version),
        updatedAt: toDateOrNull(row.updated_at),
        updatedBy: row.updated_by,
      } satisfies PolicyRecord;
    },
    async countRecoveryCodeUsersByKey() {
      const keyId = keyIdOf(flavour);
      const rows = await (await q())
        .selectFrom('mfa_recovery_codes')
        .select([keyId.as('key_id'), sql<number | string>`count(distinct user_id)`.as('users')])
        .where('used_at', 'is', null)
        .groupBy(keyId)
        .execute();
      return new Map(rows.map((row) => [row.key_id, Number(row.users)]));
    },
    async recoveryCodeKeys(userId) {
      const rows = await (await q())
        .selectFrom('mfa_recovery_codes')
        .select(keyIdOf(flavour).as('key_id'))
        .distinct()
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
      return rows.map((row) => row.key_id);
    },
    async countRecoveryCodes(userId) {
      await ready();
      const [row] = (await settling.countRecoveryCodes(userId)).rows;
      return Number(row?.n ?? 0);
    },
    async findRememberedDevice(userId, tokenHashes) {
      await ready();
      if (tokenHashes.length === 0) return null;
      // One hash a configured key: a single equality on the unique index in the common case.
      const [first, ...rest] = tokenHashes as [string, ...string[]];
      const [row] =
        rest.length === 0
          ? (await hot.device(userId, first)).rows
          : await db
              .selectFrom('mfa_remembered_devices')
              .selectAll()
              .where('user_id', '=', userId)
              .where('token_hash', 'in', [...tokenHashes])
              .limit(1)
              .execute();
      return row ? deviceFromRow(row) : null;
    },
    async listRememberedDevices(userId) {
      const rows = await (await q())
        .selectFrom('mfa_remembered_devices')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('device_id')
        .execute();
      return rows.map(deviceFromRow);
    },
    async getAttempts(userId) {
      await ready();
      const [row] = (await hot.attempts(userId)).rows;
      return row
        ? { failures: Number(row.failures), lockedUntil: toDateOrNull(row.locked_until) }
        : { failures: 0, lockedUntil: null };
    },
    async markSessionVerified(session) {
      await ready();
      await settling.markSessionVerified(
        session.userId,
        session.sessionId,
        toMs(session.verifiedAt),
        session.method,
      );
    },
    async getSession(userId, sessionId) {
      await ready();
      const [row] = (await hot.session(userId, sessionId)).rows;
      return row
        ? {
            sessionId: row.session_id,
            userId: row.user_id,
            verifiedAt: toDate(row.verified_at),
            method: (row.method ?? 'totp') as SessionMethod,
          }
        : null;
    },
    async pruneExpired({ now, sessionsBefore, attemptsBefore, keepFailures, limit }) {
      const db = await q();
      // Each a bounded delete through its expiry index: at most `limit` rows a table.
      // The tables whose rows carry their own expiry, each keyed by one column.
      const expired = async (table: string, key: string) => {
        const result = await sql`delete from ${sql.table(table)} where ${sql.ref(key)} in (
          select ${sql.ref(key)} from ${sql.table(table)} where expires_at < ${toMs(now)} limit ${limit})`.execute(
          db,
        );
        return { numDeletedRows: result.numAffectedRows ?? 0n };
      };
      const pending = await expired('mfa_pending_totp', 'user_id');
      const sessions = await db
        .deleteFrom('mfa_verified_sessions')
        .where(
          sql<boolean>`(user_id, session_id) in (${db
            .selectFrom('mfa_verified_sessions')
            .select(['user_id', 'session_id'])
            .where('verified_at', '<', toMs(sessionsBefore))
            .limit(limit)})`,
        )
        .executeTakeFirst();
      const attempts = await db
        .deleteFrom('mfa_attempts')
        .where('user_id', 'in', (eb) =>
          eb
            .selectFrom('mfa_attempts')
            .select('user_id')
            .where('last_failed_at', '<', toMs(attemptsBefore))
            .where('failures', '<', keepFailures)
            .limit(limit),
        )
        .executeTakeFirst();
      const challenges = await expired('mfa_webauthn_challenges', 'challenge');
      const devices = await expired('mfa_remembered_devices', 'device_id');
      return [pending, sessions, attempts, challenges, devices].reduce(
        (n, r) => n + Number(r.numDeletedRows),
        0,
      );
    },
  };
}
