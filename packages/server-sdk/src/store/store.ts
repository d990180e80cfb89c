/**
 * Where mfakit keeps its state: `MfaStore`, made of one interface per capability, each in
 * its own file with its atomic guarantees and named by its conformance file (src/testing/).
 * A host's own store implements the capabilities; `missingStoreMethods` says which methods
 * of which capability it lacks.
 */
import type { AttemptStore } from './attempt-store.ts';
import type { AuditStore } from './audit-store.ts';
import type { DeliveryStore } from './delivery-store.ts';
import type { DeviceStore } from './device-store.ts';
import type { FactorStore } from './factor-store.ts';
import type { GraceStore } from './grace-store.ts';
import type { MetaStore } from './meta-store.ts';
import type { PolicyStore } from './policy-store.ts';
import type { RecoveryCodeStore } from './recovery-code-store.ts';
import type { RolloutStore } from './rollout-store.ts';
import type { SessionStore } from './session-store.ts';
import type { TotpStore } from './totp-store.ts';
import type { WebAuthnStore } from './webauthn-store.ts';

export {
  type AttemptInput,
  type AttemptProof,
  type AttemptResult,
  type LockSchedule,
  lockDurationMs,
  type Settlement,
  settle,
  verificationMethodOf,
} from '../attempts/settle.ts';
export type { AttemptStore } from './attempt-store.ts';
export { type AuditQuery, type AuditStore, type AuditWrite, auditEvents } from './audit-store.ts';
export type { DeliveryCursor, DeliveryProgress, DeliveryStore } from './delivery-store.ts';
export type { DeviceStore } from './device-store.ts';
export type { FactorStore } from './factor-store.ts';
export type { GraceStore } from './grace-store.ts';
export type { MetaStore } from './meta-store.ts';
export { keepsFactor, type MustKeep } from './must-keep.ts';
export type { PolicyStore } from './policy-store.ts';
export type { RecoveryCodeStore } from './recovery-code-store.ts';
export {
  type NudgeKind,
  type NudgeSnooze,
  nudgeKinds,
  type ReminderRecord,
  type ReminderSchedule,
  type ReminderStage,
  type RolloutStore,
  reminderStages,
} from './rollout-store.ts';
export type { PruneInput, SessionStore } from './session-store.ts';
export type { TotpStore } from './totp-store.ts';
export type { AddCredentialResult, WebAuthnStore } from './webauthn-store.ts';

/**
 * Where mfakit keeps its state. An object of async methods: core code reaches storage only
 * through it. Times are `Date`s; implementations store them as epoch milliseconds. Each
 * capability's atomic guarantees are written on its interface, and each implementation
 * proves them in the conformance suite (`runStoreConformance`), across processes where the
 * store is shared. Every trust change (an app activated or removed, a passkey added or
 * removed, new recovery codes, a reset, `endSession`) discards the user's pending app setup
 * and open WebAuthn registrations in its transaction: a ceremony begun before it cannot
 * finish after it.
 */
export interface MfaStore
  extends PolicyStore,
    FactorStore,
    TotpStore,
    WebAuthnStore,
    RecoveryCodeStore,
    AttemptStore,
    SessionStore,
    DeviceStore,
    GraceStore,
    MetaStore,
    AuditStore,
    DeliveryStore,
    RolloutStore {
  /** Creates tables or whatever the store needs; idempotent, called before first use. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** The methods of each capability (optional ones, such as `factsVersion`, left out), for `missingStoreMethods`. */
export const storeCapabilities = {
  lifecycle: ['migrate', 'close'],
  policy: ['getPolicy', 'putPolicy'],
  factors: ['getEnrollments', 'resetMfa'],
  totp: [
    'getTotpFactor',
    'updateTotpSecret',
    'listTotpSecrets',
    'putPendingTotp',
    'getPendingTotp',
    'activateTotp',
    'deleteTotp',
  ],
  webauthn: [
    'webAuthnUserHandle',
    'listWebAuthnCredentials',
    'getWebAuthnCredential',
    'addWebAuthnCredential',
    'renameWebAuthnCredential',
    'deleteWebAuthnCredential',
    'putWebAuthnChallenge',
    'findWebAuthnChallenge',
    'takeWebAuthnChallenge',
  ],
  recoveryCodes: [
    'replaceRecoveryCodes',
    'countRecoveryCodes',
    'countRecoveryCodeUsersByKey',
    'recoveryCodeKeys',
  ],
  attempts: ['getAttempts', 'settleAttempt'],
  sessions: ['markSessionVerified', 'getSession', 'endSession', 'pruneExpired'],
  devices: [
    'rememberDevice',
    'findRememberedDevice',
    'listRememberedDevices',
    'useRememberedDevice',
    'forgetRememberedDevices',
  ],
  grace: ['startGrace', 'getGraceStarts', 'forfeitGrace'],
  meta: ['getMeta', 'putMeta'],
  audit: ['appendAudit', 'listAudit'],
  deliveries: [
    'registerSubscriber',
    'leaseDelivery',
    'recordDelivery',
    'listDeliveries',
    'listEventsAfter',
    'countEventsAfter',
  ],
  rollout: [
    'recordReminder',
    'listReminders',
    'claimReminderRound',
    'getReminderSchedule',
    'dueReminderAccounts',
    'scheduleReminders',
    'getNudgeSnoozes',
    'snoozeNudge',
  ],
} as const satisfies Record<string, readonly (keyof MfaStore)[]>;

/**
 * What a store lacks, by capability (`{ grace: ['forfeitGrace'] }`); empty when it has every
 * method. A host's own store written against an older interface learns here what to add.
 */
export function missingStoreMethods(
  store: object,
): Partial<Record<keyof typeof storeCapabilities, string[]>> {
  const missing: Partial<Record<keyof typeof storeCapabilities, string[]>> = {};
  for (const [capability, methods] of Object.entries(storeCapabilities)) {
    const absent = methods.filter(
      (method) => typeof (store as Record<string, unknown>)[method] !== 'function',
    );
    if (absent.length > 0) missing[capability as keyof typeof storeCapabilities] = absent;
  }
  return missing;
}

type Listed = (typeof storeCapabilities)[keyof typeof storeCapabilities][number];
/** Every method of `MfaStore` belongs to a capability (the compiler says which one is left out). */
type Unlisted = Exclude<keyof MfaStore, Listed | 'factsVersion'>;
export const everyStoreMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
