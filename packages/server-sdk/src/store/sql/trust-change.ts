/**
 * The rules of a trust change (`../trust-changes.ts`) as SQL statements, and what they need:
 * where each kind of factor lives, whether a user is left with one, the facts version.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type FactorMethod, MAX_OPEN_CEREMONIES } from '../../model.ts';
import type { MustKeep } from '../must-keep.ts';
import type { TrustChange } from '../trust-changes.ts';
import type { Statements } from './plan.ts';
import type { Database } from './schema.ts';

/**
 * The table of each kind of factor, keyed by `user_id` with a `created_at`: what "no factor
 * left", a reset and `getEnrollments` go through (a new kind is a compile error until listed).
 */
export const factorTables = {
  totp: 'mfa_totp_factors',
  webauthn: 'mfa_webauthn_credentials',
} as const satisfies Record<FactorMethod, keyof Database>;

export const factorTableEntries = Object.entries(factorTables) as [
  FactorMethod,
  (typeof factorTables)[FactorMethod],
][];

/**
 * The facts version is kept in `FACTS_SHARDS` counter rows (`facts:0` …), a write moving
 * its user's row only: on PostgreSQL, enrollments and new grace starts of different users
 * (a whole account switched to "Required for all users" signing in) queue on sixteen row
 * locks, not one. The version is all of them, in order.
 */
export const FACTS_SHARDS = 16;

/** The counter row of `userId`'s writes (FNV-1a of the id, modulo `FACTS_SHARDS`). */
export function factsShard(userId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  return `facts:${(hash >>> 0) % FACTS_SHARDS}`;
}

/**
 * Moves the facts version on (the row of `userId`'s writes), as a write's last statement:
 * on PostgreSQL the counter's row lock is then held only until the commit.
 */
export function bumpFacts(db: Kysely<Database>, userId: string) {
  return db
    .updateTable('mfa_counters')
    .set({ value: sql`value + 1` })
    .where('name', '=', factsShard(userId))
    .compile();
}

/**
 * Whether the user holds a factor of one of `methods` (every kind: `undefined`), leaving out
 * the app (`{ app: true }`) or one credential being removed.
 */
export function holdsFactor(
  db: Kysely<Database>,
  userId: string,
  methods?: readonly FactorMethod[],
  without?: { app: true } | { credentialId: string },
): RawBuilder<boolean> {
  const held: RawBuilder<unknown>[] = [];
  for (const [method, table] of factorTableEntries) {
    if (methods !== undefined && !methods.includes(method)) continue;
    if (method === 'totp' && without && 'app' in without) continue;
    let rows = db.selectFrom(table).select('user_id').where('user_id', '=', userId);
    if (method === 'webauthn' && without && 'credentialId' in without) {
      rows = rows.where('credential_id' as never, '<>', without.credentialId as never);
    }
    // (Kysely puts a subquery in parentheses of its own.)
    held.push(sql`exists ${rows}`);
  }
  return held.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(held, sql` or `)})`;
}

/** Whether the user keeps a factor `mustKeep` asks for without the one removed; `null` when nothing is asked. */
export function factorLeft(
  db: Kysely<Database>,
  userId: string,
  without: { app: true } | { credentialId: string },
  mustKeep: MustKeep | undefined,
): RawBuilder<boolean> | null {
  return mustKeep === undefined ? null : holdsFactor(db, userId, mustKeep, without);
}

/** The user's pending app setup and open WebAuthn registrations discarded. */
export function ceremoniesDiscarded(db: Kysely<Database>, userId: string): Statements {
  return [
    db.deleteFrom('mfa_pending_totp').where('user_id', '=', userId).compile(),
    db
      .deleteFrom('mfa_webauthn_challenges')
      .where('user_id', '=', userId)
      .where('ceremony', '=', 'registration')
      .compile(),
  ];
}

/** The user's open ceremonies beyond the newest `MAX_OPEN_CEREMONIES` discarded. */
export function oldCeremoniesDiscarded(db: Kysely<Database>, userId: string) {
  return db
    .deleteFrom('mfa_webauthn_challenges')
    .where('user_id', '=', userId)
    .where('challenge', 'not in', (eb) =>
      eb
        .selectFrom('mfa_webauthn_challenges')
        .select('challenge')
        .where('user_id', '=', userId)
        .orderBy('expires_at', 'desc')
        .orderBy('challenge', 'desc')
        .limit(MAX_OPEN_CEREMONIES),
    )
    .compile();
}

/** Forgets the user's remembered devices (all, or one). */
export function forgetDevices(db: Kysely<Database>, userId: string, deviceId: string | null = null) {
  let forgetting = db.deleteFrom('mfa_remembered_devices').where('user_id', '=', userId);
  if (deviceId !== null) forgetting = forgetting.where('device_id', '=', deviceId);
  return forgetting;
}

/** Ends every verified session of the user but `keepSessionId`. */
export function endSessionsBut(db: Kysely<Database>, userId: string, keepSessionId?: string) {
  let ending = db.deleteFrom('mfa_verified_sessions').where('user_id', '=', userId);
  if (keepSessionId !== undefined) ending = ending.where('session_id', '<>', keepSessionId);
  return ending.compile();
}

/** What a trust change brings or spares. */
export interface TrustChangeOptions {
  /** The recovery codes it brings (`'given'`): none, the user's codes stay as they are. */
  recoveryCodeHashes?: readonly string[] | null | undefined;
  /** The session that made the change (`'others'`: it stays verified). */
  keepSessionId?: string | undefined;
  /** Whether enrollments changed (default: as the change says). */
  enrollmentsChanged?: boolean | undefined;
}

/**
 * The statements of `change` for `userId`, after the write's own (a factor inserted or
 * deleted): ceremonies discarded, codes and failures, sessions, devices, and the facts
 * version moved last.
 */
export function trustChangeStatements(
  db: Kysely<Database>,
  userId: string,
  change: TrustChange,
  options: TrustChangeOptions = {},
): Statements {
  const codes = db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId);
  const failures = db.deleteFrom('mfa_attempts').where('user_id', '=', userId);
  const statements: Statements = [...ceremoniesDiscarded(db, userId)];
  const hashes = options.recoveryCodeHashes;
  if (change.recoveryCodes === 'given' && hashes) {
    statements.push(codes.compile());
    if (hashes.length > 0) {
      statements.push(
        db
          .insertInto('mfa_recovery_codes')
          .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
          .compile(),
      );
    }
  } else if (change.recoveryCodes === 'drop') {
    statements.push(codes.compile(), failures.compile());
  } else if (change.recoveryCodes === 'drop-if-no-factor') {
    const none = sql<boolean>`not ${holdsFactor(db, userId)}`;
    statements.push(codes.where(none).compile(), failures.where(none).compile());
  }
  if (change.sessions !== 'keep') {
    statements.push(
      endSessionsBut(db, userId, change.sessions === 'others' ? options.keepSessionId : undefined),
    );
  }
  if (change.devices === 'forget') statements.push(forgetDevices(db, userId).compile());
  if (options.enrollmentsChanged ?? change.enrollments) statements.push(bumpFacts(db, userId));
  return statements;
}
