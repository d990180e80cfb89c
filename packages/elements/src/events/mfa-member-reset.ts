import { init } from './init.ts';

/** An administrator reset a member's MFA (`userId`, as the host names them). */
export class MfaMemberResetEvent extends Event {
  static readonly type = 'mfa-member-reset';
  constructor(readonly userId: string) {
    super(MfaMemberResetEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-member-reset': MfaMemberResetEvent;
  }
}
