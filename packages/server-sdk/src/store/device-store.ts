import type { RememberedDeviceRecord, SessionRecord } from '../model.ts';
import type { AuditWrite } from './audit-store.ts';

/**
 * Remembered devices, stored only as the keyed hash of their cookie's token.
 *
 * Atomic guarantees: `rememberDevice` and `forgetRememberedDevices` append their audit events
 * with their change, or neither; `rememberDevice` given a session writes only while that
 * session is still verified as it was; `useRememberedDevice` marks the session only while the
 * device exists, in one transaction. Conformance: testing/devices.ts.
 */
export interface DeviceStore {
  /**
   * Stores a remembered device (its id and token hash are new), audited with it; given
   * `session`, only while that session of the user is still verified at its `verifiedAt`
   * with its method. True when it wrote.
   */
  rememberDevice(
    device: RememberedDeviceRecord,
    audit?: AuditWrite,
    session?: SessionRecord,
  ): Promise<boolean>;
  /**
   * The user's remembered device whose token hash is one of `tokenHashes` (the token's
   * hashes under every configured key), expired or not; another user's device is `null`.
   */
  findRememberedDevice(
    userId: string,
    tokenHashes: readonly string[],
  ): Promise<RememberedDeviceRecord | null>;
  /** The user's remembered devices, expired ones included, oldest first. */
  listRememberedDevices(userId: string): Promise<RememberedDeviceRecord[]>;
  /**
   * A remembered device let `session` skip the challenge: sets the device's last use to
   * the session's `verifiedAt` (and its token hash to `rehash`, the hash under the newest
   * key, when given) and marks the session, in one transaction, only while the user has
   * that device. False (nothing changed) without it.
   */
  useRememberedDevice(
    userId: string,
    deviceId: string,
    session: SessionRecord,
    rehash?: string,
  ): Promise<boolean>;
  /**
   * Forgets one of the user's remembered devices (`deviceId`) or all of them (`null`);
   * answers how many went, and appends the audit events only when some did.
   */
  forgetRememberedDevices(userId: string, deviceId: string | null, audit?: AuditWrite): Promise<number>;
}
