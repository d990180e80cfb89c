/** Remembered devices' atomic writes, as plans. */
import type { Kysely } from 'kysely';
import type { RememberedDeviceRecord, SessionRecord } from '../../../model.ts';
import type { AuditWrite } from '../../audit-store.ts';
import { audited, count, mustChange, type Plan, present, writing } from '../plan.ts';
import type { Database } from '../schema.ts';
import { forgetDevices } from '../trust-change.ts';
import { deviceInsert, deviceUsed, sessionMarked, toMs } from '../write-statements.ts';

/** A device remembered; given `session`, only while it is still verified as it was (no trust change since). */
export function rememberDevicePlan(
  db: Kysely<Database>,
  device: RememberedDeviceRecord,
  write: AuditWrite | undefined,
  session: SessionRecord | undefined,
): Plan<boolean> {
  const asVerified =
    session &&
    db
      .selectFrom('mfa_verified_sessions')
      .select('session_id')
      .where('user_id', '=', session.userId)
      .where('session_id', '=', session.sessionId)
      .where('verified_at', '=', toMs(session.verifiedAt))
      .where('method', '=', session.method);
  return writing(`user:${device.userId}`, {
    ...(asVerified ? { check: present(asVerified) } : {}),
    statements: [deviceInsert(db, device)],
    audit: audited(write, true),
    answer: true,
    otherwise: false,
  });
}

/** A device of the user's used: its last use (and its hash, rehashed) written and the session marked, while it exists. */
export function useDevicePlan(
  db: Kysely<Database>,
  userId: string,
  deviceId: string,
  session: SessionRecord,
  rehash: string | undefined,
): Plan<boolean> {
  const device = db
    .selectFrom('mfa_remembered_devices')
    .select('device_id')
    .where('device_id', '=', deviceId)
    .where('user_id', '=', userId);
  return writing(`user:${userId}`, {
    check: present(device),
    statements: [
      mustChange(deviceUsed(db, userId, deviceId, session.verifiedAt, rehash)),
      sessionMarked(db, session),
    ],
    answer: true,
    otherwise: false,
  });
}

/** One of the user's devices (`deviceId`) or all forgotten; answers how many, audited when some were. */
export function forgetDevicesPlan(
  db: Kysely<Database>,
  userId: string,
  deviceId: string | null,
  write: AuditWrite | undefined,
): Plan<number> {
  let forgotten = db.selectFrom('mfa_remembered_devices').select('device_id').where('user_id', '=', userId);
  if (deviceId !== null) forgotten = forgotten.where('device_id', '=', deviceId);
  return {
    key: `user:${userId}`,
    reads: [forgotten.compile()],
    decide: ([rows = []]) => {
      if (rows.length === 0) return { done: 0 };
      return {
        asRead: count(forgotten, rows.length),
        statements: [forgetDevices(db, userId, deviceId).compile()],
        audit: audited(write, rows.length),
        answer: () => rows.length,
      };
    },
  };
}
