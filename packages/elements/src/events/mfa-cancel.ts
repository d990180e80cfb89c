import { init } from './init.ts';

/** The user cancelled the policy manager. */
export class MfaCancelEvent extends Event {
  static readonly type = 'mfa-cancel';
  constructor() {
    super(MfaCancelEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-cancel': MfaCancelEvent;
  }
}
