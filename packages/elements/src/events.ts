// The elements' events, one module each (src/events/), so that a page ships only those its elements dispatch.
export { MfaCancelEvent } from './events/mfa-cancel.ts';
export { MfaCredentialChangeEvent } from './events/mfa-credential-change.ts';
export { MfaDeviceForgottenEvent } from './events/mfa-device-forgotten.ts';
export { MfaEnrolledEvent } from './events/mfa-enrolled.ts';
export { MfaErrorEvent } from './events/mfa-error.ts';
export { MfaMemberResetEvent } from './events/mfa-member-reset.ts';
export { MfaNudgeSnoozeEvent } from './events/mfa-nudge-snooze.ts';
export { MfaPolicyChangeEvent } from './events/mfa-policy-change.ts';
export { MfaRecoveryCodesEvent } from './events/mfa-recovery-codes.ts';
export { MfaUnenrolledEvent } from './events/mfa-unenrolled.ts';
export { MfaVerifiedEvent } from './events/mfa-verified.ts';
