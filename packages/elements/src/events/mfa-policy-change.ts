import type { PolicyResponse } from '@mfakit/server-sdk';
import { init } from './init.ts';

/** The account's policy was saved. */
export class MfaPolicyChangeEvent extends Event {
  static readonly type = 'mfa-policy-change';
  constructor(readonly policy: PolicyResponse) {
    super(MfaPolicyChangeEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-policy-change': MfaPolicyChangeEvent;
  }
}
