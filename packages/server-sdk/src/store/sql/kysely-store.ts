import { CompiledQuery, type Kysely, sql } from 'kysely';
import {
  type AllowedFactors,
  type AuditEvent,
  type AuditEventInput,
  type Enrollment,
  factorMethods,
  type GraceRecord,
  isFactorMethod,
  type PolicyMode,
  type PolicyRecord,
  type SessionMethod,
} from '../../model.ts';
import {
  type AddCredentialResult,
  type AttemptInput,
  type AttemptResult,
  type AuditWrite,
  auditEvents,
  type MfaStore,
  settle,
} from '../store.ts';
import type { D1DatabaseLike } from './d1.ts';
import { d1Batches } from './d1-batches.ts';
import { migrateD1 } from './d1-migrations.ts';
import { migrateToLatest, type SqlFlavour } from './migrations.ts';
import { type Executor, prepared } from './prepared.ts';
import {
  challengeStateFromRow,
  credentialFromRow,
  deviceFromRow,
  factorFromRow,
  jsonIds,
  parse,
  toDate,
  toDateOrNull,
} from './rows.ts';
import type { Database } from './schema.ts';
import {
  auditInsert,
  consumeStatement,
  settleResult,
  settleStatements,
  settleWrite,
} from './settle-statements.ts';
import {
  appRemoved,
  bumpFacts,
  changed,
  codesRenewed,
  credentialAdded,
  credentialInsert,
  credentialRemoved,
  credentialRenamed,
  deviceInsert,
  deviceUsed,
  FACTS_SHARDS,
  factorRemoved,
  forgetDevices,
  graceForfeit,
  graceRecord,
  graceStart,
  mfaReset,
  oldCeremoniesDiscarded,
  policyWrite,
  runStatements,
  sessionEnded,
  sessionMarked,
  toMs,
  totpActivated,
  userLock,
} from './write-statements.ts';

/** Past this many ids, an account's grace starts are read by one scan of the account's rows. */
const ACCOUNT_SCAN_FROM = 1000;

async function appendAudit(db: Kysely<Database>, event: AuditEventInput): Promise<AuditEvent> {
  const row = await auditInsert(db, event).executeTakeFirstOrThrow();
  return { ...event, id: String(row.id) };
}

/**
 * Runs `change` in a transaction and, when it says the change was made, appends
 * `write`'s audit events in the same transaction; hands them, stored, to
 * `write.stored` once committed. `change` answers `[its result, whether it changed]`.
 */
async function withAudit<T>(
  db: Kysely<Database>,
  write: AuditWrite | undefined,
  change: (trx: Kysely<Database>) => Promise<readonly [T, boolean]>,
): Promise<T> {
  const [result, stored] = await db.transaction().execute(async (trx) => {
    const [value, changed] = await change(trx);
    const events: AuditEvent[] = [];
    if (changed) for (const event of auditEvents(write, value)) events.push(await appendAudit(trx, event));
    return [value, events] as const;
  });
  if (write && stored.length > 0) write.stored(stored);
  return result;
}

/** A recovery code hash's key id: what comes before its first dot. */
function keyIdOf(flavour: SqlFlavour) {
  return flavour === 'postgres'
    ? sql<string>`split_part(code_hash, '.', 1)`
    : sql<string>`substr(code_hash, 1, instr(code_hash, '.') - 1)`;
}

/**
 * The store on a Kysely database: one implementation for SQLite and PostgreSQL.
 * Atomicity comes from single conditional statements (`UPDATE … WHERE`,
 * `INSERT … ON CONFLICT`) and transactions, never from a read followed by a write
 * in JavaScript, so it holds across processes that share the database.
 */
export function sqlStore(
  db: Kysely<Database>,
  flavour: SqlFlavour,
  onClose: () => Promise<void>,
  d1?: D1DatabaseLike,
): MfaStore {
  let migrated: Promise<void> | undefined;
  const migrate = () => (d1 ? migrateD1(d1) : migrateToLatest(db as unknown as Kysely<unknown>, flavour));
  const ready = () => {
    migrated ??= migrate().catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  };
  const q = async () => {
    await ready();
    return db;
  };
  // The statements of every guarded request, built and compiled once.
  const hot = {
    policy: prepared(db, (accountId: string) =>
      db.selectFrom('mfa_policies').selectAll().where('account_id', '=', accountId),
    ),
    factor: prepared(db, (userId: string) =>
      db.selectFrom('mfa_totp_factors').selectAll().where('user_id', '=', userId),
    ),
    // The ids as one JSON array parameter: one statement whatever their number (no bind limit,
    // nothing compiled per call), expanded by the database.
    enrollments: prepared(db, (idsJson: string) => {
      const ids = jsonIds(flavour, idsJson);
      return db
        .selectFrom('mfa_totp_factors')
        .select(['user_id', sql<string>`'totp'`.as('method'), 'created_at'])
        .where('user_id', 'in', ids)
        .unionAll(
          db
            .selectFrom('mfa_webauthn_credentials')
            .select([
              'user_id',
              sql<string>`'webauthn'`.as('method'),
              (eb) => eb.fn.min('created_at').as('created_at'),
            ])
            .where('user_id', 'in', ids)
            .groupBy('user_id'),
        );
    }),
    attempts: prepared(db, (userId: string) =>
      db.selectFrom('mfa_attempts').select(['failures', 'locked_until']).where('user_id', '=', userId),
    ),
    device: prepared(db, (userId: string, tokenHash: string) =>
      db
        .selectFrom('mfa_remembered_devices')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('user_id', '=', userId),
    ),
    session: prepared(db, (userId: string, sessionId: string) =>
      db
        .selectFrom('mfa_verified_sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('session_id', '=', sessionId),
    ),
    factsVersion: prepared(db, () =>
      db.selectFrom('mfa_counters').select('value').where('name', 'like', 'facts:%').orderBy('name'),
    ),
  };
  /** Versions answered while the counter row is missing (never the same twice). */
  let unversioned = 0;
  const settling = settleStatements(db);
  /** Takes the user's lock first in a transaction that changes the user's trust (`userLock`). */
  const lockUser = (trx: Executor, userId: string) => runStatements(trx, userLock(db, flavour, userId));
  /** `settleAttempt`'s judgement inside its transaction (the audit events are appended after it). */
  const judgeAttempt = async (trx: Executor, input: AttemptInput): Promise<AttemptResult> => {
    const { userId, proof } = input;
    if (proof.kind === 'totp' && proof.step !== null) {
      const consume = settling.consumeTimeStepWithoutFailures.on(trx);
      if (Number((await consume(userId, proof.step, proof.secret)).numAffectedRows) === 1) {
        await settling.markSessionVerified.on(trx)(userId, input.sessionId, toMs(input.now), 'totp');
        const [row] = (await settling.countRecoveryCodes.on(trx)(userId)).rows;
        return { outcome: 'verified', recoveryCodesRemaining: Number(row?.n ?? 0) };
      }
    }
    // Takes the user's attempts row: concurrent attempts of one user wait here for each other.
    const [held] = (await settling.holdAttempts.on(trx)(userId)).rows;
    const state = {
      failures: Number(held?.failures ?? 0),
      lockedUntil: toDateOrNull(held?.locked_until ?? null),
    };
    const settled = await settle(input, state, async () => {
      const statement = consumeStatement(settling, input);
      if (!statement) return true;
      const consumed = await trx.executeQuery(CompiledQuery.raw(statement.sql, [...statement.parameters]));
      return Number(consumed.numAffectedRows) === 1;
    });
    const write = settleWrite(input, settled);
    let remaining = 0;
    if (write.kind === 'failures') {
      await settling.storeFailures.on(trx)(userId, write.failures, write.lockedUntil, write.at);
    } else if (write.kind === 'verified') {
      await settling.clearAttempts.on(trx)(userId);
      if (write.markSession) {
        await settling.markSessionVerified.on(trx)(userId, input.sessionId, write.at, write.method);
      }
      remaining = Number((await settling.countRecoveryCodes.on(trx)(userId)).rows[0]?.n ?? 0);
    }
    return settleResult(settled, remaining);
  };

  const store: MfaStore = {
    migrate: ready,
    close: onClose,

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
        version: Number(row.version),
        updatedAt: toDateOrNull(row.updated_at),
        updatedBy: row.updated_by,
      } satisfies PolicyRecord;
    },
    async putPolicy(policy, expectedVersion, write) {
      const put = async (db: Kysely<Database>) =>
        changed(await db.executeQuery(policyWrite(db, policy, expectedVersion))) === 1;
      const db = await q();
      if (!write) return put(db);
      return withAudit(db, write, async (trx) => {
        const written = await put(trx);
        return [written, written];
      });
    },

    async getTotpFactor(userId) {
      await ready();
      const [row] = (await hot.factor(userId)).rows;
      return row ? factorFromRow(row) : null;
    },
    async getChallengeState(userId) {
      await ready();
      const [row] = (await settling.challengeState(userId)).rows;
      return row ? challengeStateFromRow(row) : null;
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
    async activateTotp(factor, pendingSecret, hashes, write, session) {
      return withAudit(await q(), write, async (trx) => {
        await lockUser(trx, factor.userId);
        const taken = await trx
          .deleteFrom('mfa_pending_totp')
          .where('user_id', '=', factor.userId)
          .where('secret', '=', pendingSecret)
          .executeTakeFirst();
        if (Number(taken.numDeletedRows) !== 1) return [false, false];
        await runStatements(trx, totpActivated(db, factor, hashes, session));
        return [true, true];
      });
    },
    async resetMfa(userId, write) {
      return withAudit(await q(), write, async (trx) => {
        await lockUser(trx, userId);
        const [, , app, credentials] = await runStatements(trx, mfaReset(db, userId));
        const existed = changed(app) + changed(credentials) > 0;
        if (existed) await trx.executeQuery(bumpFacts(db, userId));
        return [existed, true];
      });
    },
    async deleteTotp(userId, write, keepSessionId, mustKeep) {
      return withAudit(await q(), write, async (trx) => {
        await lockUser(trx, userId);
        if (changed(await trx.executeQuery(appRemoved(db, userId, mustKeep))) !== 1) return [false, false];
        await runStatements(trx, factorRemoved(db, userId, keepSessionId));
        return [true, true];
      });
    },

    async webAuthnUserHandle(userId, candidate) {
      const db = await q();
      await db
        .insertInto('mfa_webauthn_users')
        .values({ user_id: userId, user_handle: candidate })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      const row = await db
        .selectFrom('mfa_webauthn_users')
        .select('user_handle')
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return row.user_handle;
    },
    async listWebAuthnCredentials(userId) {
      const rows = await (await q())
        .selectFrom('mfa_webauthn_credentials')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('credential_id')
        .execute();
      return rows.map(credentialFromRow);
    },
    async getWebAuthnCredential(userId, credentialId) {
      const row = await (await q())
        .selectFrom('mfa_webauthn_credentials')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? credentialFromRow(row) : null;
    },
    async addWebAuthnCredential(credential, { limit, recoveryCodeHashes, session, challenge }, write) {
      const { userId } = credential;
      return withAudit(await q(), write, async (trx): Promise<readonly [AddCredentialResult, boolean]> => {
        await lockUser(trx, userId);
        if (challenge !== undefined) {
          // Its ceremony, taken: still open, so no trust change came since it began.
          const taken = await trx
            .deleteFrom('mfa_webauthn_challenges')
            .where('challenge', '=', challenge)
            .where('user_id', '=', userId)
            .where('session_id', '=', session.sessionId)
            .where('ceremony', '=', 'registration')
            .executeTakeFirst();
          if (Number(taken.numDeletedRows) !== 1) return [{ added: false, reason: 'ceremony_gone' }, false];
        }
        // The user's handle row (made with the registration's options) is written first: SQLite's
        // write lock, PostgreSQL's row lock, so that concurrent additions count one after another.
        await trx
          .updateTable('mfa_webauthn_users')
          .set({ user_handle: sql.ref('user_handle') })
          .where('user_id', '=', userId)
          .execute();
        const count = await trx
          .selectFrom('mfa_webauthn_credentials')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow();
        if (Number(count.n) >= limit) return [{ added: false, reason: 'too_many' }, false];
        const inserted = await credentialInsert(trx, credential).executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) {
          return [{ added: false, reason: 'duplicate' }, false];
        }
        const app = await trx
          .selectFrom('mfa_totp_factors')
          .select('user_id')
          .where('user_id', '=', userId)
          .executeTakeFirst();
        const first = !app && Number(count.n) === 0;
        await runStatements(trx, credentialAdded(db, userId, first, recoveryCodeHashes, session));
        return [{ added: true, recoveryCodesIssued: first }, true];
      });
    },
    async renameWebAuthnCredential(userId, credentialId, name, write) {
      return withAudit(await q(), write, async (trx) => {
        const renamed =
          changed(await trx.executeQuery(credentialRenamed(db, userId, credentialId, name))) === 1;
        return [renamed, renamed];
      });
    },
    async deleteWebAuthnCredential(userId, credentialId, write, keepSessionId, mustKeep) {
      return withAudit(await q(), write, async (trx) => {
        await lockUser(trx, userId);
        if (changed(await trx.executeQuery(credentialRemoved(db, userId, credentialId, mustKeep))) !== 1) {
          return [false, false];
        }
        await runStatements(trx, factorRemoved(db, userId, keepSessionId));
        return [true, true];
      });
    },
    async putWebAuthnChallenge(challenge) {
      const db = await q();
      await db
        .insertInto('mfa_webauthn_challenges')
        .values({
          challenge: challenge.challenge,
          user_id: challenge.userId,
          session_id: challenge.sessionId,
          ceremony: challenge.ceremony,
          expires_at: toMs(challenge.expiresAt),
        })
        .execute();
      // Then the oldest beyond the cap: a password alone cannot fill the store with ceremonies.
      await db.executeQuery(oldCeremoniesDiscarded(db, challenge.userId));
    },
    async findWebAuthnChallenge(userId, sessionId, challenge, ceremony) {
      const row = await (await q())
        .selectFrom('mfa_webauthn_challenges')
        .select('expires_at')
        .where('challenge', '=', challenge)
        .where('user_id', '=', userId)
        .where('session_id', '=', sessionId)
        .where('ceremony', '=', ceremony)
        .executeTakeFirst();
      return row ? { challenge, userId, sessionId, ceremony, expiresAt: toDate(row.expires_at) } : null;
    },
    async takeWebAuthnChallenge(userId, sessionId, challenge, ceremony) {
      const row = await (await q())
        .deleteFrom('mfa_webauthn_challenges')
        .where('challenge', '=', challenge)
        .where('user_id', '=', userId)
        .where('session_id', '=', sessionId)
        .where('ceremony', '=', ceremony)
        .returning(['expires_at'])
        .executeTakeFirst();
      return row ? { challenge, userId, sessionId, ceremony, expiresAt: toDate(row.expires_at) } : null;
    },

    async replaceRecoveryCodes(userId, hashes, write, keepSessionId) {
      await withAudit(await q(), write, async (trx) => {
        await lockUser(trx, userId);
        await runStatements(trx, codesRenewed(db, userId, hashes, keepSessionId));
        return [undefined, true];
      });
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

    async settleAttempt(input) {
      await ready();
      const attempt = () =>
        db.transaction().execute(async (trx) => {
          const result = await judgeAttempt(trx, input);
          const events: AuditEvent[] = [];
          for (const event of input.audit?.(result) ?? []) {
            const [row] = (await trx.executeQuery(settling.auditInsert(event))).rows;
            events.push({ ...event, id: String(row?.id) });
          }
          return { ...result, events };
        });
      // Concurrent attempts of one user take the factor, attempts and session rows in orders
      // that PostgreSQL may find deadlocked; it then rolls one back whole, which is judged again.
      for (let tries = 1; ; tries++) {
        try {
          return await attempt();
        } catch (error) {
          if (tries >= 5 || (error as { code?: unknown }).code !== '40P01') throw error;
        }
      }
    },
    async rememberDevice(device, write, session) {
      return withAudit(await q(), write, async (trx) => {
        await lockUser(trx, device.userId);
        if (session) {
          // Only while the session is verified as it was: a trust change since ended it.
          const asVerified = await trx
            .selectFrom('mfa_verified_sessions')
            .select('session_id')
            .where('user_id', '=', device.userId)
            .where('user_id', '=', session.userId)
            .where('session_id', '=', session.sessionId)
            .where('verified_at', '=', toMs(session.verifiedAt))
            .where('method', '=', session.method)
            .executeTakeFirst();
          if (!asVerified) return [false, false];
        }
        await trx.executeQuery(deviceInsert(db, device));
        return [true, true];
      });
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
    async useRememberedDevice(userId, deviceId, session, rehash) {
      if (session.userId !== userId) return false;
      return (await q()).transaction().execute(async (trx) => {
        const used = await trx.executeQuery(deviceUsed(db, userId, deviceId, session.verifiedAt, rehash));
        if (changed(used) !== 1) return false;
        await trx.executeQuery(sessionMarked(db, session));
        return true;
      });
    },
    async forgetRememberedDevices(userId, deviceId, write) {
      return withAudit(await q(), write, async (trx) => {
        const n = Number((await forgetDevices(trx, userId, deviceId).executeTakeFirst()).numDeletedRows);
        return [n, n > 0];
      });
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
    async endSession(userId, sessionId) {
      await (await q()).transaction().execute(async (trx) => {
        await lockUser(trx, userId);
        await runStatements(trx, sessionEnded(db, userId, sessionId));
      });
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

    async startGrace(accountId, userId, at) {
      const db = await q();
      await db.transaction().execute(async (trx) => {
        if (changed(await trx.executeQuery(graceStart(db, accountId, userId, at))) > 0) {
          await trx.executeQuery(bumpFacts(db, userId));
        }
      });
      const row = await db
        .selectFrom('mfa_grace')
        .select(['started_at', 'forfeited_at'])
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return graceRecord(row);
    },
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
    async forfeitGrace(userId, accountIds, at) {
      if (accountIds.length === 0) return;
      await (await q()).transaction().execute(async (trx) => {
        let moved = 0;
        for (const accountId of accountIds) {
          moved += changed(await trx.executeQuery(graceForfeit(db, accountId, userId, at)));
        }
        if (moved > 0) await trx.executeQuery(bumpFacts(db, userId));
      });
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
      return rows.map((row) => ({
        id: String(row.id),
        type: row.type as never,
        actorId: row.actor_id,
        userId: row.user_id,
        accountId: row.account_id,
        before: parse(row.before),
        after: parse(row.after),
        at: toDate(row.at),
      }));
    },
  };
  // D1 refuses transactions: its atomic writes are batches (d1-batches.ts).
  return d1 ? { ...store, ...d1Batches(db, d1, ready) } : store;
}
