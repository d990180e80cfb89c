import { init } from './init.ts';

/** The user chose **Not now** on `<mfa-nudge>`: its suggestion (`kind`) is hidden until `snoozedUntil`. */
export class MfaNudgeSnoozeEvent extends Event {
  static readonly type = 'mfa-nudge-snooze';
  constructor(
    readonly kind: 'set_up' | 'passkey',
    readonly snoozedUntil: string,
    /** How many more times it may be snoozed. */
    readonly snoozesLeft: number,
  ) {
    super(MfaNudgeSnoozeEvent.type, init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'mfa-nudge-snooze': MfaNudgeSnoozeEvent;
  }
}
