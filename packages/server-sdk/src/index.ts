export { type AccessFacts, decideAccess, isDeviceAccepted, type PresentedDevice } from './access/decide.ts';
export type { KeyRotationReport } from './admin/rotate-keys.ts';
export { createMfa, type Mfa } from './create-mfa.ts';
export { type ErrorBody, type ErrorCode, errorCodes, MfaConfigError, MfaError } from './errors.ts';
export type { DeliveryStatus } from './events/delivery.ts';
export {
  type NotificationKind,
  type NotificationMessage,
  notificationKinds,
} from './events/notifications/messages.ts';
export { en as notificationStringsEn, type NotificationStrings } from './events/notifications/strings.ts';
export { de as notificationStringsDe } from './events/notifications/strings-de.ts';
export type { NotificationRecipient } from './events/notifications/subscriber.ts';
export type { Subscriber } from './events/subscriber.ts';
export {
  WebhookDeliveryError,
  type WebhookEndpoint,
  type WebhookPayload,
  webhookPayload,
} from './events/webhooks.ts';
export type * from './factors/responses.ts';
export { denialError } from './http/denial.ts';
export type { GuardOptions } from './http/guard.ts';
export type {
  AccessResponse,
  AuditEventResponse,
  AuditResponse,
  ChallengeRequest,
  ChallengeResponse,
  MemberResponse,
  MembersResponse,
  MeResponse,
  NudgeResponse,
  NudgeSnoozeResponse,
  PolicyResponse,
  RememberedDeviceResponse,
  RememberedDevicesForgottenResponse,
  RememberedDevicesResponse,
  RemindersResponse,
  RequiredByEntry,
} from './http/types.ts';
export {
  type AccessDecision,
  type AccessReason,
  type AllowedFactors,
  type AuditEvent,
  type AuditEventType,
  acceptedMethods,
  acceptsRememberedDevice,
  acceptsVerification,
  allowedFactorsValues,
  auditEventTypes,
  type FactorKind,
  type FactorMethod,
  factorKinds,
  factorMethods,
  type GraceRecord,
  hasAccepted,
  isFactorMethod,
  MAX_REMEMBER_DEVICE_DAYS,
  MAX_STEP_UP_SECONDS,
  MAX_WEBAUTHN_CREDENTIALS,
  type MemberListing,
  type Membership,
  type MembershipListing,
  type PolicyMode,
  type PolicyRecord,
  type Principal,
  policyModes,
  type RememberedDeviceRecord,
  type Role,
  recoveryCodeKind,
  type SessionMethod,
  type SsoIntegration,
  sessionMethods,
  type VerificationMethod,
  verificationMethods,
} from './model.ts';
export type { MfaErrorContext, MfaOptions, WebAuthnOptions } from './options.ts';
export type { RemindersSent, SendRemindersOptions } from './rollout/reminders.ts';
export { memoryStore } from './store/memory.ts';
export type { D1DatabaseLike, D1StatementLike } from './store/sql/d1.ts';
export { type KyselyStoreOptions, kyselyStore } from './store/sql/kysely.ts';
export {
  type AddCredentialResult,
  type AttemptInput,
  type AttemptProof,
  type AttemptResult,
  type AttemptStore,
  type AuditQuery,
  type AuditStore,
  type AuditWrite,
  auditEvents,
  type DeviceStore,
  type FactorStore,
  type GraceStore,
  type LockSchedule,
  type MetaStore,
  type MfaStore,
  type MustKeep,
  missingStoreMethods,
  type NudgeKind,
  type NudgeSnooze,
  type PolicyStore,
  type PruneInput,
  type RecoveryCodeStore,
  type ReminderRecord,
  type ReminderSchedule,
  type ReminderStage,
  type RolloutStore,
  type SessionStore,
  type Settlement,
  settle,
  storeCapabilities,
  type TotpStore,
  type WebAuthnStore,
} from './store/store.ts';
