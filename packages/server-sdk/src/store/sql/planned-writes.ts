/**
 * The store's atomic writes: each method is its plan (`plans/`), run by the store's engine
 * (`engines/`): the same plans on PostgreSQL, SQLite and D1.
 */
import type { Kysely } from 'kysely';
import type { MfaStore } from '../store.ts';
import type { SqlFlavour } from './migrations.ts';
import type { Engine } from './plan.ts';
import { settlePlan } from './plans/attempts.ts';
import { forgetDevicesPlan, rememberDevicePlan, useDevicePlan } from './plans/devices.ts';
import { resetMfaPlan } from './plans/factors.ts';
import { forfeitGracePlan, startGracePlan } from './plans/grace.ts';
import { putPolicyPlan } from './plans/policy.ts';
import { replaceRecoveryCodesPlan } from './plans/recovery-codes.ts';
import { recordReminderPlan } from './plans/reminders.ts';
import { endSessionPlan } from './plans/sessions.ts';
import { activateTotpPlan, deleteTotpPlan } from './plans/totp.ts';
import { addCredentialPlan, deleteCredentialPlan, renameCredentialPlan } from './plans/webauthn.ts';
import type { Database } from './schema.ts';
import type { SettleStatements } from './settle-statements.ts';

export type PlannedWrites = Pick<
  MfaStore,
  | 'putPolicy'
  | 'resetMfa'
  | 'activateTotp'
  | 'deleteTotp'
  | 'addWebAuthnCredential'
  | 'renameWebAuthnCredential'
  | 'deleteWebAuthnCredential'
  | 'replaceRecoveryCodes'
  | 'settleAttempt'
  | 'rememberDevice'
  | 'useRememberedDevice'
  | 'forgetRememberedDevices'
  | 'endSession'
  | 'startGrace'
  | 'forfeitGrace'
  | 'recordReminder'
>;

export function plannedWrites(
  db: Kysely<Database>,
  flavour: SqlFlavour,
  run: Engine,
  settling: SettleStatements,
): PlannedWrites {
  return {
    putPolicy: (policy, expectedVersion, write) => run(putPolicyPlan(db, policy, expectedVersion, write)),
    resetMfa: (userId, write) => run(resetMfaPlan(db, userId, write)),
    activateTotp: (factor, pendingSecret, hashes, write, session) =>
      run(activateTotpPlan(db, factor, pendingSecret, hashes, write, session)),
    deleteTotp: (userId, write, keepSessionId, mustKeep) =>
      run(deleteTotpPlan(db, userId, write, keepSessionId, mustKeep)),
    addWebAuthnCredential: (credential, options, write) =>
      run(addCredentialPlan(db, credential, options, write)),
    renameWebAuthnCredential: (userId, credentialId, name, write) =>
      run(renameCredentialPlan(db, userId, credentialId, name, write)),
    deleteWebAuthnCredential: (userId, credentialId, write, keepSessionId, mustKeep) =>
      run(deleteCredentialPlan(db, userId, credentialId, write, keepSessionId, mustKeep)),
    replaceRecoveryCodes: (userId, hashes, write, keepSessionId) =>
      run(replaceRecoveryCodesPlan(db, userId, hashes, write, keepSessionId)),
    settleAttempt: (input) => run(settlePlan(db, settling, input)),
    async rememberDevice(device, write, session) {
      if (session && session.userId !== device.userId) return false;
      return run(rememberDevicePlan(db, device, write, session));
    },
    async useRememberedDevice(userId, deviceId, session, rehash) {
      if (session.userId !== userId) return false;
      return run(useDevicePlan(db, userId, deviceId, session, rehash));
    },
    forgetRememberedDevices: (userId, deviceId, write) => run(forgetDevicesPlan(db, userId, deviceId, write)),
    endSession: (userId, sessionId) => run(endSessionPlan(db, userId, sessionId)),
    startGrace: (accountId, userId, at) => run(startGracePlan(db, accountId, userId, at)),
    async forfeitGrace(userId, accountIds, at) {
      if (accountIds.length === 0) return;
      await run(forfeitGracePlan(db, flavour, userId, accountIds, at));
    },
    recordReminder: (reminder, write) => run(recordReminderPlan(db, reminder, write)),
  };
}
