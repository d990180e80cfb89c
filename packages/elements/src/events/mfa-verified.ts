import type { ChallengeResponse } from '@mfakit/server-sdk';
import { init } from './init.ts';

/** The session was verified with a code, a passkey or a recovery code. */
export class MfaVerifiedEvent extends Event {
  static readonly type = 'mfa-verified';
  constructor(readonly result: ChallengeResponse) {
    super(MfaVerifiedEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-verified': MfaVerifiedEvent;
  }
}
