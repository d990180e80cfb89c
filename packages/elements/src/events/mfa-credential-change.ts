import type { WebAuthnCredentialResponse } from '@mfakit/server-sdk';
import { init } from './init.ts';

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

declare global {
  interface HTMLElementEventMap {
    'mfa-credential-change': MfaCredentialChangeEvent;
  }
}
