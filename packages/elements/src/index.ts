export {
  type ClientErrorCode,
  type MembersQuery,
  MfaApiError,
  MfaClient,
  type PolicyUpdate,
} from './client.ts';
export { mfaClientContext } from './context.ts';
export {
  MfaCancelEvent,
  MfaCredentialChangeEvent,
  MfaDeviceForgottenEvent,
  MfaEnrolledEvent,
  MfaErrorEvent,
  MfaMemberResetEvent,
  MfaNudgeSnoozeEvent,
  MfaPolicyChangeEvent,
  MfaRecoveryCodesEvent,
  MfaUnenrolledEvent,
  MfaVerifiedEvent,
} from './events.ts';
export { MfaAuditLog } from './mfa-audit-log/mfa-audit-log.ts';
export { MfaChallenge } from './mfa-challenge/mfa-challenge.ts';
export { MfaMembers } from './mfa-members/mfa-members.ts';
export { MfaNudge } from './mfa-nudge/mfa-nudge.ts';
export { MfaPolicyManager } from './mfa-policy-manager/mfa-policy-manager.ts';
export { MfaSettings } from './mfa-settings/mfa-settings.ts';
export { MfaUserEnroll } from './mfa-user-enroll/mfa-user-enroll.ts';
export { en, type MfaStrings } from './strings.ts';
