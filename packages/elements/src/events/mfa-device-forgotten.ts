import { init } from './init.ts';

/** The user forgot a remembered device (`deviceId`), or all of them (`null`): it is challenged again. */
export class MfaDeviceForgottenEvent extends Event {
  static readonly type = 'mfa-device-forgotten';
  constructor(readonly deviceId: string | null) {
    super(MfaDeviceForgottenEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-device-forgotten': MfaDeviceForgottenEvent;
  }
}
