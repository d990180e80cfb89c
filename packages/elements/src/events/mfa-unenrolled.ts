import { init } from './init.ts';

/** The user removed their authenticator app. */
export class MfaUnenrolledEvent extends Event {
  static readonly type = 'mfa-unenrolled';
  constructor() {
    super(MfaUnenrolledEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-unenrolled': MfaUnenrolledEvent;
  }
}
