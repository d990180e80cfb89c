export { type AccessFacts, decideAccess, isDeviceAccepted, type PresentedDevice } from './access/decide.ts';
export type { KeyRotationReport } from './admin/rotate-keys.ts';
export type { MfaErrorContext } from './core/deadline.ts';
export { createMfa, type Mfa } from './create-mfa.ts';
export { type ErrorBody, type ErrorCode, errorCodes, MfaConfigError, MfaError } from './errors.ts';
export { denialError } from './http/denial.ts';
export type { GuardOptions } from './http/guard.ts';
export type {
  AccessResponse,
  AuditEventResponse,
  AuditResponse,
  AuthenticationResponseJSON,
  ChallengeRequest,
  ChallengeResponse,
  FactorResponse,
  MemberResponse,
  MembersResponse,
  MeResponse,
  PolicyResponse,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RecoveryCodesResponse,
  RegistrationResponseJSON,
  RememberedDeviceResponse,
  RememberedDevicesForgottenResponse,
  RememberedDevicesResponse,
  RequiredByEntry,
  TotpConfirmedResponse,
  TotpSetupResponse,
  WebAuthnAuthenticationOptionsResponse,
  WebAuthnCredentialCreatedResponse,
  WebAuthnCredentialRemovedResponse,
  WebAuthnCredentialRenamedResponse,
  WebAuthnCredentialRequest,
  WebAuthnCredentialResponse,
  WebAuthnRegistrationOptionsResponse,
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
  type FactorMethod,
  factorMethods,
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
  type SessionMethod,
  type SsoIntegration,
  sessionMethods,
  type VerificationMethod,
  verificationMethods,
} from './model.ts';
export type { MfaOptions, WebAuthnOptions } from './options.ts';
export { memoryStore } from './store/memory.ts';
export type { D1DatabaseLike, D1StatementLike } from './store/sql/d1.ts';
export { type KyselyStoreOptions, kyselyStore } from './store/sql/kysely.ts';
export {
  type AttemptInput,
  type AttemptProof,
  type AttemptResult,
  type AuditQuery,
  type AuditWrite,
  auditEvents,
  type LockSchedule,
  type MfaStore,
  type PruneInput,
  type Settlement,
  settle,
} from './store/store.ts';
