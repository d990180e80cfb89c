import type { ChallengeResponse, PolicyResponse, WebAuthnCredentialResponse } from '@mfakit/server-sdk';
import type { MfaApiError } from './client.ts';

const init = { bubbles: true, composed: true } as const;

/** The account's policy was saved. */
export class MfaPolicyChangeEvent extends Event {
  static readonly type = 'mfa-policy-change';
  constructor(readonly policy: PolicyResponse) {
    super(MfaPolicyChangeEvent.type, init);
  }
}

/** The user finished setting up an authenticator app. */
export class MfaEnrolledEvent extends Event {
  static readonly type = 'mfa-enrolled';
  constructor() {
    super(MfaEnrolledEvent.type, init);
  }
}

/** The user removed their authenticator app. */
export class MfaUnenrolledEvent extends Event {
  static readonly type = 'mfa-unenrolled';
  constructor() {
    super(MfaUnenrolledEvent.type, init);
  }
}

/** New recovery codes were issued (at enrollment or on regeneration); they are shown once. */
export class MfaRecoveryCodesEvent extends Event {
  static readonly type = 'mfa-recovery-codes';
  constructor(readonly count: number) {
    super(MfaRecoveryCodesEvent.type, init);
  }
}

/** A passkey or security key was added, renamed or removed; `credential` is the one concerned. */
export class MfaCredentialChangeEvent extends Event {
  static readonly type = 'mfa-credential-change';
  constructor(
    readonly action: 'added' | 'renamed' | 'removed',
    readonly credential: WebAuthnCredentialResponse,
  ) {
    super(MfaCredentialChangeEvent.type, init);
  }
}

/** The session was verified with a code, a passkey or a recovery code. */
export class MfaVerifiedEvent extends Event {
  static readonly type = 'mfa-verified';
  constructor(readonly result: ChallengeResponse) {
    super(MfaVerifiedEvent.type, init);
  }
}

/** The user forgot a remembered device (`deviceId`), or all of them (`null`): it is challenged again. */
export class MfaDeviceForgottenEvent extends Event {
  static readonly type = 'mfa-device-forgotten';
  constructor(readonly deviceId: string | null) {
    super(MfaDeviceForgottenEvent.type, init);
  }
}

/** A request failed; the element shows the error too. */
export class MfaErrorEvent extends Event {
  static readonly type = 'mfa-error';
  constructor(readonly error: MfaApiError) {
    super(MfaErrorEvent.type, init);
  }
}

/** An administrator reset a member's MFA (`userId`, as the host names them). */
export class MfaMemberResetEvent extends Event {
  static readonly type = 'mfa-member-reset';
  constructor(readonly userId: string) {
    super(MfaMemberResetEvent.type, init);
  }
}

/** The user cancelled the policy manager. */
export class MfaCancelEvent extends Event {
  static readonly type = 'mfa-cancel';
  constructor() {
    super(MfaCancelEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-policy-change': MfaPolicyChangeEvent;
    'mfa-enrolled': MfaEnrolledEvent;
    'mfa-unenrolled': MfaUnenrolledEvent;
    'mfa-recovery-codes': MfaRecoveryCodesEvent;
    'mfa-verified': MfaVerifiedEvent;
    'mfa-credential-change': MfaCredentialChangeEvent;
    'mfa-device-forgotten': MfaDeviceForgottenEvent;
    'mfa-error': MfaErrorEvent;
    'mfa-cancel': MfaCancelEvent;
    'mfa-member-reset': MfaMemberResetEvent;
  }
}
