import type { MfaApiError } from '../request.ts';
import { init } from './init.ts';

/** A request failed; the element shows the error too. */
export class MfaErrorEvent extends Event {
  static readonly type = 'mfa-error';
  constructor(readonly error: MfaApiError) {
    super(MfaErrorEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-error': MfaErrorEvent;
  }
}
