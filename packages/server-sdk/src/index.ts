export { type AccessFacts, decideAccess } from './access/decide.ts';
export type { KeyRotationReport } from './admin/rotate-keys.ts';
export type { MfaErrorContext } from './core/deadline.ts';
export { createMfa, type Mfa } from './create-mfa.ts';
export { type ErrorBody, type ErrorCode, errorCodes, MfaConfigError, MfaError } from './errors.ts';
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
  RequiredByEntry,
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
  acceptsVerification,
  allowedFactorsValues,
  auditEventTypes,
  type FactorMethod,
  factorMethods,
  MAX_WEBAUTHN_CREDENTIALS,
  type MemberListing,
  type Membership,
  type MembershipListing,
  type PolicyMode,
  type PolicyRecord,
  type Principal,
  policyModes,
  type Role,
  type SsoIntegration,
  type VerificationMethod,
  verificationMethods,
} from './model.ts';
export type { MfaOptions, WebAuthnOptions } from './options.ts';
export { memoryStore } from './store/memory.ts';
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
