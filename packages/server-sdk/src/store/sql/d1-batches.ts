/**
 * The store's atomic writes on Cloudflare D1. D1 refuses `BEGIN` and `SAVEPOINT`: a
 * Worker writes atomically only with `batch()`, whose statements D1 runs in order as
 * one transaction, one batch at a time. So each write that the other stores make in a
 * transaction is made here in three steps:
 *
 * 1. it reads what it decides by (nothing, when one check of the database decides it);
 * 2. it decides in JavaScript, by the same rules (`settle`, the shared statements);
 * 3. it sends one batch whose first statement checks, inside the batch, that what it
 *    read still holds, followed by the statements it decided on and its audit events.
 *
 * A check that does not hold inserts a row into `mfa_guards`, whose constraint
 * `mfa_state_changed` refuses every row: D1 then rolls the whole batch back, and the
 * write either answers what a failed check means (`otherwise`: a policy version taken,
 * a setup already activated) or reads and decides again. Of writes that race, each batch
 * runs whole or not at all, and one decided on a read that another changed never runs.
 */
import { CompiledQuery, type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { AuditEvent, AuditEventInput } from '../../model.ts';
import {
  type AddCredentialResult,
  type AttemptInput,
  type AttemptResult,
  type AuditWrite,
  auditEvents,
  type MfaStore,
  settle,
} from '../store.ts';
import { type D1DatabaseLike, failUnless, isStateChanged, type Row, sendTo } from './d1.ts';
import { jsonIds } from './rows.ts';
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
  codesRenewed,
  credentialAdded,
  credentialInsert,
  credentialRemoved,
  credentialRenamed,
  deviceInsert,
  deviceUsed,
  factorLeft,
  factorRemoved,
  forgetDevices,
  graceForfeit,
  graceRecord,
  graceStart,
  mfaReset,
  policyWrite,
  type Statements,
  sessionEnded,
  sessionMarked,
  totpActivated,
} from './write-statements.ts';

/**
 * Rounds of reading and deciding again before a write gives up: each round that fails
 * does so because another write landed, so even writers racing on one user end in as
 * many rounds as there are of them.
 */
const MAX_ROUNDS = 64;

/** The longest wait between two rounds, in milliseconds. */
const BACKOFF_MS = 64;

type Check = RawBuilder<unknown>;
type Query = SelectQueryBuilder<Database, keyof Database, Row>;

/** A write decided: its answer without writing, or a batch behind a check. */
type Plan<T> =
  | { done: T }
  | {
      /** What must still hold when the batch runs (none: the statements stand on their own). */
      check: Check | null;
      statements: Statements;
      /** The audit events appended after the statements. */
      audit?: Appending;
      /** The answer, given the audit events stored. */
      answer: (events: AuditEvent[]) => T;
      /** The answer when the check fails; without it the write reads and decides again. */
      otherwise?: T;
    };

// (Kysely puts a subquery in parentheses of its own.)
const present = (query: Query): Check => sql`exists ${query}`;
const absent = (query: Query): Check => sql`not exists ${query}`;
const allOf = (...checks: Check[]): Check => sql`(${sql.join(checks, sql` and `)})`;
const count = (query: Query, n: number): Check => sql`(select count(*) from ${query}) = ${n}`;

/** Ids as one parameter (D1 binds at most 100 to a statement). */
const idList = (ids: readonly string[]) => jsonIds('sqlite', JSON.stringify(ids));

/** Runs the calls of one key one after another (the others at once). */
function turns() {
  const last = new Map<string, Promise<unknown>>();
  return <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const result = (last.get(key) ?? Promise.resolve()).then(run, run);
    const settled = result.then(
      () => {},
      () => {},
    );
    last.set(key, settled);
    void settled.then(() => {
      if (last.get(key) === settled) last.delete(key);
    });
    return result;
  };
}

/** The statements appending `write`'s events for `value`, and what hands them, stored, to `write.stored`. */
function appending(db: Kysely<Database>, write: AuditWrite | undefined, value: unknown) {
  return appendingEvents(db, auditEvents(write, value), write);
}

type Appending = ReturnType<typeof appendingEvents>;

function appendingEvents(db: Kysely<Database>, events: readonly AuditEventInput[], write?: AuditWrite) {
  return {
    statements: events.map((event) => auditInsert(db, event).compile()),
    /** Given every statement's rows (the events' inserts are the last ones): the events stored. */
    stored(rows: Row[][]): AuditEvent[] {
      const ids = rows.slice(rows.length - events.length);
      const stored = events.map((event, i) => ({ ...event, id: String(ids[i]?.[0]?.id) }));
      if (write && stored.length > 0) write.stored(stored);
      return stored;
    },
  };
}

/**
 * The Kysely store's writes that must be atomic, as D1 batches (the store on D1 takes
 * them in place of its transactions). `ready` applies the migrations first.
 */
export function d1Batches(
  db: Kysely<Database>,
  d1: D1DatabaseLike,
  ready: () => Promise<void>,
): Partial<MfaStore> {
  const send = (statements: readonly CompiledQuery[]) => sendTo(d1, statements);
  /** Several reads in one round trip (a batch is one snapshot, too). */
  const read = (...queries: Query[]) => send(queries.map((query) => query.compile()));
  const guard = (check: Check) => failUnless(check).compile(db);

  /**
   * Makes a write: `plan` reads and decides, and its batch runs, until one holds. Writes of
   * one `key` (a user; an account's policy) made through this store wait for each other
   * first, as their batches could only conflict: a conflict is then another isolate's write.
   */
  function optimistically<T>(key: string, plan: () => Promise<Plan<T>>): Promise<T> {
    return inTurn(key, () => attempt(plan));
  }

  async function attempt<T>(plan: () => Promise<Plan<T>>): Promise<T> {
    await ready();
    for (let round = 1; ; round++) {
      const decided = await plan();
      if ('done' in decided) return decided.done;
      const { check, statements, audit } = decided;
      try {
        const rows = await send([
          ...(check ? [guard(check)] : []),
          ...statements,
          ...(audit?.statements ?? []),
        ]);
        return decided.answer(audit?.stored(rows) ?? []);
      } catch (error) {
        if (!check || !isStateChanged(error)) throw error;
        if (decided.otherwise !== undefined) return decided.otherwise;
        if (round >= MAX_ROUNDS) {
          throw new Error(`D1: the state this write reads kept changing (${MAX_ROUNDS} rounds)`);
        }
        // Writers that lost to another one wait a random while, longer each round, so that
        // they do not all read the same state again and lose to one of them again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** round, BACKOFF_MS)));
      }
    }
  }

  const inTurn = turns();
  const factorOf = (userId: string) =>
    db.selectFrom('mfa_totp_factors').select('user_id').where('user_id', '=', userId);
  const credentialsOf = (userId: string) =>
    db.selectFrom('mfa_webauthn_credentials').select('user_id').where('user_id', '=', userId);
  const credential = (userId: string, credentialId: string) =>
    credentialsOf(userId).where('credential_id', '=', credentialId);
  const settling = settleStatements(db);

  /** The select of the rows a proof's consuming statement changes (none for a setup, or a code matching no step). */
  const consumable = (input: AttemptInput): Query | null => {
    const { userId, proof } = input;
    switch (proof.kind) {
      case 'setup':
        return null;
      case 'totp':
        if (proof.step === null) return null;
        return factorOf(userId)
          .where('secret', '=', proof.secret)
          .where((eb) =>
            eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', proof.step as number)]),
          );
      case 'recovery':
        if (proof.hashes.length === 0) return null;
        return db
          .selectFrom('mfa_recovery_codes')
          .select('user_id')
          .where('user_id', '=', userId)
          .where('code_hash', 'in', idList(proof.hashes))
          .where('used_at', 'is', null);
      case 'webauthn':
        return credential(userId, proof.credentialId).where('counter', '=', proof.expectedCounter);
    }
  };

  return {
    async putPolicy(policy, expectedVersion, write) {
      const audit = appending(db, write, true);
      return optimistically(`account:${policy.accountId}`, async () => {
        const stored = db
          .selectFrom('mfa_policies')
          .select('account_id')
          .where('account_id', '=', policy.accountId);
        return {
          check:
            expectedVersion === 0 ? absent(stored) : present(stored.where('version', '=', expectedVersion)),
          statements: [policyWrite(db, policy, expectedVersion)],
          audit,
          answer: () => true,
          otherwise: false,
        };
      });
    },

    async activateTotp(factor, pendingSecret, hashes, write, session) {
      const audit = appending(db, write, true);
      const pending = db
        .selectFrom('mfa_pending_totp')
        .select('user_id')
        .where('user_id', '=', factor.userId)
        .where('secret', '=', pendingSecret);
      return optimistically(`user:${factor.userId}`, async () => ({
        check: present(pending),
        statements: [
          db.deleteFrom('mfa_pending_totp').where('user_id', '=', factor.userId).compile(),
          ...totpActivated(db, factor, hashes, session),
        ],
        audit,
        answer: () => true,
        otherwise: false,
      }));
    },

    async resetMfa(userId, write) {
      const anyFactor = sql`(${present(factorOf(userId))} or ${present(credentialsOf(userId))})`;
      return optimistically(`user:${userId}`, async () => {
        const [app, credentials] = await read(factorOf(userId).limit(1), credentialsOf(userId).limit(1));
        const existed = (app?.length ?? 0) + (credentials?.length ?? 0) > 0;
        const audit = appending(db, write, existed);
        return {
          check: existed ? anyFactor : sql`not ${anyFactor}`,
          statements: [...mfaReset(db, userId), ...(existed ? [bumpFacts(db, userId)] : [])],
          audit,
          answer: () => existed,
        };
      });
    },

    async deleteTotp(userId, write, keepSessionId, mustKeep) {
      const audit = appending(db, write, true);
      const left = factorLeft(db, userId, { app: true }, mustKeep);
      return optimistically(`user:${userId}`, async () => ({
        check: allOf(present(factorOf(userId)), ...(left ? [left] : [])),
        statements: [appRemoved(db, userId), ...factorRemoved(db, userId, keepSessionId)],
        audit,
        answer: () => true,
        otherwise: false,
      }));
    },

    async addWebAuthnCredential(record, { limit, recoveryCodeHashes, session, challenge }, write) {
      const { userId } = record;
      const taken = db
        .selectFrom('mfa_webauthn_credentials')
        .select('user_id')
        .where('credential_id', '=', record.credentialId);
      // Its ceremony, still open: no trust change came since it began (the batch takes it).
      const ceremony = db
        .selectFrom('mfa_webauthn_challenges')
        .select('user_id')
        .where('challenge', '=', challenge ?? '')
        .where('user_id', '=', userId)
        .where('session_id', '=', session.sessionId)
        .where('ceremony', '=', 'registration');
      return optimistically(`user:${userId}`, async (): Promise<Plan<AddCredentialResult>> => {
        const [credentials = [], duplicate = [], app = [], open = []] = await read(
          credentialsOf(userId),
          taken,
          factorOf(userId),
          ceremony,
        );
        if (challenge !== undefined && open.length === 0) {
          return { done: { added: false, reason: 'ceremony_gone' } };
        }
        if (credentials.length >= limit) return { done: { added: false, reason: 'too_many' } };
        if (duplicate.length > 0) return { done: { added: false, reason: 'duplicate' } };
        const first = app.length === 0 && credentials.length === 0;
        const added: AddCredentialResult = { added: true, recoveryCodesIssued: first };
        const audit = appending(db, write, added);
        return {
          check: allOf(
            count(credentialsOf(userId), credentials.length),
            absent(taken),
            app.length > 0 ? present(factorOf(userId)) : absent(factorOf(userId)),
            ...(challenge !== undefined ? [present(ceremony)] : []),
          ),
          statements: [
            credentialInsert(db, record).compile(),
            ...credentialAdded(db, userId, first, recoveryCodeHashes, session),
          ],
          audit,
          answer: () => added,
        };
      });
    },

    async renameWebAuthnCredential(userId, credentialId, name, write) {
      const audit = appending(db, write, true);
      return optimistically(`user:${userId}`, async () => ({
        check: present(credential(userId, credentialId)),
        statements: [credentialRenamed(db, userId, credentialId, name)],
        audit,
        answer: () => true,
        otherwise: false,
      }));
    },

    async deleteWebAuthnCredential(userId, credentialId, write, keepSessionId, mustKeep) {
      const audit = appending(db, write, true);
      const left = factorLeft(db, userId, { credentialId }, mustKeep);
      return optimistically(`user:${userId}`, async () => ({
        check: allOf(present(credential(userId, credentialId)), ...(left ? [left] : [])),
        statements: [
          credentialRemoved(db, userId, credentialId),
          ...factorRemoved(db, userId, keepSessionId),
        ],
        audit,
        answer: () => true,
        otherwise: false,
      }));
    },

    async replaceRecoveryCodes(userId, hashes, write, keepSessionId) {
      const audit = appending(db, write, undefined);
      await optimistically(`user:${userId}`, async () => ({
        check: null,
        statements: codesRenewed(db, userId, hashes, keepSessionId),
        audit,
        answer: () => undefined,
      }));
    },

    async settleAttempt(input) {
      const { userId, proof } = input;
      const attempts = db.selectFrom('mfa_attempts').where('user_id', '=', userId);
      const codes = db
        .selectFrom('mfa_recovery_codes')
        .select('user_id')
        .where('user_id', '=', userId)
        .where('used_at', 'is', null);
      const consuming = consumable(input);
      return optimistically(`user:${userId}`, async () => {
        const [[held] = [], unused = [], ...rest] = await read(
          attempts.select(['failures', 'locked_until']),
          codes,
          ...(consuming ? [consuming.limit(1)] : []),
        );
        const canConsume = (rest[0]?.length ?? 0) > 0;
        const state = {
          failures: Number(held?.failures ?? 0),
          lockedUntil: held?.locked_until == null ? null : new Date(Number(held.locked_until)),
        };
        const settled = settle(input, state, () => canConsume);
        const write = settleWrite(input, settled);
        const remaining = unused.length - (write.kind === 'verified' && proof.kind === 'recovery' ? 1 : 0);
        const result: AttemptResult = settleResult(settled, remaining);
        const statements: Statements = [];
        if (write.kind === 'failures') {
          statements.push(
            raw(settling.storeFailures.compiled(userId, write.failures, write.lockedUntil, write.at)),
          );
        } else if (write.kind === 'verified') {
          const consume = consumeStatement(settling, input);
          if (consume) statements.push(raw(consume));
          statements.push(raw(settling.clearAttempts.compiled(userId)));
          if (write.markSession) {
            statements.push(
              sessionMarked(db, {
                userId,
                sessionId: input.sessionId,
                verifiedAt: input.now,
                method: write.method,
              }),
            );
          }
        }
        const audit = appendingEvents(db, input.audit?.(result) ?? []);
        const attemptsAsRead = held
          ? present(
              attempts
                .select('user_id')
                .where('failures', '=', state.failures)
                .where('locked_until', 'is', held.locked_until as number | null),
            )
          : absent(attempts.select('user_id'));
        return {
          check: allOf(
            attemptsAsRead,
            count(codes, unused.length),
            ...(consuming ? [canConsume ? present(consuming) : absent(consuming)] : []),
          ),
          statements,
          audit,
          answer: (events) => ({ ...result, events }),
        };
      });
    },

    async rememberDevice(device, write, session) {
      const audit = appending(db, write, true);
      if (session && session.userId !== device.userId) return false;
      // Only while the session is verified as it was: a trust change since ended it.
      const asVerified =
        session &&
        db
          .selectFrom('mfa_verified_sessions')
          .select('session_id')
          .where('user_id', '=', session.userId)
          .where('session_id', '=', session.sessionId)
          .where('verified_at', '=', session.verifiedAt.getTime())
          .where('method', '=', session.method);
      return optimistically(`user:${device.userId}`, async () => ({
        check: asVerified ? present(asVerified) : null,
        statements: [deviceInsert(db, device)],
        audit,
        answer: () => true,
        otherwise: false,
      }));
    },

    async endSession(userId, sessionId) {
      await optimistically(`user:${userId}`, async () => ({
        check: null,
        statements: sessionEnded(db, userId, sessionId),
        answer: () => undefined,
      }));
    },

    async useRememberedDevice(userId, deviceId, session, rehash) {
      if (session.userId !== userId) return false;
      return optimistically(`user:${userId}`, async () => ({
        check: present(
          db
            .selectFrom('mfa_remembered_devices')
            .select('device_id')
            .where('device_id', '=', deviceId)
            .where('user_id', '=', userId),
        ),
        statements: [
          deviceUsed(db, userId, deviceId, session.verifiedAt, rehash),
          sessionMarked(db, session),
        ],
        answer: () => true,
        otherwise: false,
      }));
    },

    async forgetRememberedDevices(userId, deviceId, write) {
      const devices = forgetDevices(db, userId, deviceId);
      let forgotten = db
        .selectFrom('mfa_remembered_devices')
        .select('device_id')
        .where('user_id', '=', userId);
      if (deviceId !== null) forgotten = forgotten.where('device_id', '=', deviceId);
      return optimistically(`user:${userId}`, async () => {
        const [rows = []] = await read(forgotten);
        if (rows.length === 0) return { done: 0 };
        const audit = appending(db, write, rows.length);
        return {
          check: count(forgotten, rows.length),
          statements: [devices.compile()],
          audit,
          answer: () => rows.length,
        };
      });
    },

    async startGrace(accountId, userId, at) {
      const grace = db
        .selectFrom('mfa_grace')
        .select(['started_at', 'forfeited_at'])
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId);
      return optimistically(`user:${userId}`, async () => {
        const [[row] = []] = await read(grace);
        if (row) return { done: graceRecord(row) };
        return {
          check: absent(grace),
          statements: [graceStart(db, accountId, userId, at), bumpFacts(db, userId)],
          answer: () => ({ startedAt: new Date(at.getTime()), forfeitedAt: null }),
        };
      });
    },

    async forfeitGrace(userId, accountIds, at) {
      const accounts = [...new Set(accountIds)];
      if (accounts.length === 0) return;
      // Already forfeited by `at` in these accounts: the others are forfeited (or start so), and
      // the facts move with them.
      const byThen = db
        .selectFrom('mfa_grace')
        .select('account_id')
        .where('user_id', '=', userId)
        .where('account_id', 'in', idList(accounts))
        .where('forfeited_at', '<=', at.getTime());
      await optimistically(`user:${userId}`, async () => {
        const [started = []] = await read(byThen);
        if (started.length === accounts.length) return { done: undefined };
        return {
          check: count(byThen, started.length),
          statements: [
            ...accounts.map((accountId) => graceForfeit(db, accountId, userId, at)),
            bumpFacts(db, userId),
          ],
          answer: () => undefined,
        };
      });
    },
  };
}

function raw(statement: { sql: string; parameters: readonly unknown[] }): CompiledQuery {
  return CompiledQuery.raw(statement.sql, [...statement.parameters]);
}
