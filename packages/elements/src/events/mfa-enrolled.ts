import { init } from './init.ts';

/** The user finished setting up an authenticator app. */
export class MfaEnrolledEvent extends Event {
  static readonly type = 'mfa-enrolled';
  constructor() {
    super(MfaEnrolledEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-enrolled': MfaEnrolledEvent;
  }
}
