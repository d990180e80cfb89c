/**
 * What each change to a user's factors does to the rest of their trust, stated once as
 * data: every store applies these rules (the SQL stores as statements, `sql/trust-change.ts`;
 * the memory store to its maps, `memory/state.ts`), so a rule changed here changes
 * everywhere and no store can state it differently.
 *
 * Every trust change discards the user's pending app setup and open WebAuthn
 * registrations, so that no ceremony begun before it finishes after it.
 */
export interface TrustChange {
  /** Verified sessions: all kept, all ended but the one that made the change, or all ended. */
  sessions: 'keep' | 'others' | 'all';
  /** Remembered devices: kept, or all forgotten. */
  devices: 'keep' | 'forget';
  /**
   * Recovery codes: kept; replaced by the ones the write brings (when it brings any); or,
   * with failures counted, dropped when the user is left without a factor, or dropped.
   */
  recoveryCodes: 'keep' | 'given' | 'drop-if-no-factor' | 'drop';
  /** Whether it changes what `getEnrollments` answers (then the facts version moves). */
  enrollments: boolean;
}

/** The trust changes, by name. */
export const trustChanges = {
  /**
   * A factor added (a first app, a passkey): nothing of the old trust is lost; the user's
   * first factor brings its recovery codes.
   */
  factorAdded: { sessions: 'keep', devices: 'keep', recoveryCodes: 'given', enrollments: true },
  /**
   * An app replaced by a new one: a session verified with the old app is not verified with
   * the new one, and devices remembered under it are forgotten.
   */
  factorReplaced: { sessions: 'all', devices: 'forget', recoveryCodes: 'given', enrollments: true },
  /** A factor removed: other sessions end, devices are forgotten; with no factor left, the codes go. */
  factorRemoved: {
    sessions: 'others',
    devices: 'forget',
    recoveryCodes: 'drop-if-no-factor',
    enrollments: true,
  },
  /** New recovery codes: the old ones are void, and with them whatever they let in. */
  codesRenewed: { sessions: 'others', devices: 'forget', recoveryCodes: 'given', enrollments: false },
  /** A reset by an administrator: every factor, code, failure, session and device goes. */
  reset: { sessions: 'all', devices: 'forget', recoveryCodes: 'drop', enrollments: true },
} as const satisfies Record<string, TrustChange>;

export type TrustChangeName = keyof typeof trustChanges;
