import { init } from './init.ts';

/** New recovery codes were issued (at enrollment or on regeneration); they are shown once. */
export class MfaRecoveryCodesEvent extends Event {
  static readonly type = 'mfa-recovery-codes';
  constructor(readonly count: number) {
    super(MfaRecoveryCodesEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-recovery-codes': MfaRecoveryCodesEvent;
  }
}
