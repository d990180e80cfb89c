import type {
  AttemptState,
  AuditEvent,
  AuditEventInput,
  FactorMethod,
  GraceRecord,
  PendingTotpRecord,
  PolicyRecord,
  RememberedDeviceRecord,
  SessionRecord,
  TotpFactorRecord,
  WebAuthnChallengeRecord,
  WebAuthnCredentialRecord,
} from '../../model.ts';
import { type AuditWrite, auditEvents } from '../audit-store.ts';
import type { TrustChange } from '../trust-changes.ts';

/** What a trust change brings or spares (as the SQL stores take it). */
export interface TrustChangeOptions {
  recoveryCodeHashes?: readonly string[] | null | undefined;
  keepSessionId?: string | undefined;
  enrollmentsChanged?: boolean | undefined;
}

export interface RecoveryCode {
  hash: string;
  usedAt: Date | null;
}

/**
 * The memory store's state, shared by its capabilities' methods (one file each), and the
 * rules that several of them apply: a trust change's sessions, devices and ceremonies, a
 * user left without a factor, the audit events appended with a change.
 */
export function memoryState() {
  const policies = new Map<string, PolicyRecord>();
  const factors = new Map<string, TotpFactorRecord>();
  const pending = new Map<string, PendingTotpRecord>();
  const recoveryCodes = new Map<string, RecoveryCode[]>();
  const attempts = new Map<string, AttemptState>();
  /** When each user's last counted failure was (for `pruneExpired`). */
  const lastFailure = new Map<string, Date>();
  const sessions = new Map<string, SessionRecord>();
  const grace = new Map<string, GraceRecord>();
  const meta = new Map<string, string>();
  const userHandles = new Map<string, string>();
  /** WebAuthn credentials by credential id (unique across users). */
  const credentials = new Map<string, WebAuthnCredentialRecord>();
  const challenges = new Map<string, WebAuthnChallengeRecord>();
  /** Remembered devices by device id. */
  const devices = new Map<string, RememberedDeviceRecord>();
  const audit: AuditEvent[] = [];
  const forgetDevices = (userId: string, deviceId: string | null = null) => {
    let n = 0;
    for (const [id, device] of devices) {
      if (device.userId !== userId || (deviceId !== null && id !== deviceId)) continue;
      devices.delete(id);
      n++;
    }
    return n;
  };
  const copyCredential = (c: WebAuthnCredentialRecord): WebAuthnCredentialRecord => ({
    ...c,
    transports: [...c.transports],
  });
  const credentialsOf = (userId: string) =>
    [...credentials.values()]
      .filter((c) => c.userId === userId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const graceKey = (accountId: string, userId: string) => `${accountId}\u0000${userId}`;
  const append = (events: readonly AuditEventInput[]): AuditEvent[] =>
    events.map((event) => {
      const stored: AuditEvent = { ...event, id: String(audit.length + 1) };
      audit.push(stored);
      return { ...stored };
    });
  const recordWith = (write: AuditWrite | undefined, result: unknown = undefined) => {
    if (write) write.stored(append(auditEvents(write, result)));
  };
  const sessionKey = (userId: string, sessionId: string) => `${userId}\u0000${sessionId}`;
  /** A trust change discards the user's pending app setup and open registrations. */
  const discardCeremonies = (userId: string) => {
    pending.delete(userId);
    for (const [key, c] of challenges)
      if (c.userId === userId && c.ceremony === 'registration') challenges.delete(key);
  };
  /**
   * Whether the user holds a factor of each kind, leaving out the app (`app: true`) or one
   * credential: one entry a kind, so a new kind is a compile error until it is here.
   */
  const holds = (userId: string, without: { app: boolean; credentialId?: string }) =>
    ({
      totp: !without.app && factors.has(userId),
      webauthn: credentialsOf(userId).some((c) => c.credentialId !== without.credentialId),
    }) satisfies Record<FactorMethod, boolean>;
  /** The factors the user would hold without the app (`app: true`) or without one credential. */
  const methodsLeft = (userId: string, without: { app: boolean; credentialId?: string }) =>
    (Object.entries(holds(userId, without)) as [FactorMethod, boolean][])
      .filter(([, held]) => held)
      .map(([method]) => method);
  const endSessionsBut = (userId: string, keep?: string) => {
    for (const [key, session] of sessions)
      if (session.userId === userId && session.sessionId !== keep) sessions.delete(key);
  };
  /**
   * A trust change's rules (`../trust-changes.ts`) applied to the user, after the write's own
   * change (a factor set or deleted): ceremonies, codes and failures, sessions, devices, facts.
   */
  const applyTrustChange = (userId: string, change: TrustChange, options: TrustChangeOptions = {}) => {
    discardCeremonies(userId);
    const hashes = options.recoveryCodeHashes;
    const dropCodes =
      change.recoveryCodes === 'drop' ||
      (change.recoveryCodes === 'drop-if-no-factor' && methodsLeft(userId, { app: false }).length === 0);
    if (change.recoveryCodes === 'given' && hashes) {
      recoveryCodes.set(
        userId,
        hashes.map((hash) => ({ hash, usedAt: null })),
      );
    } else if (dropCodes) {
      recoveryCodes.delete(userId);
      attempts.delete(userId);
      lastFailure.delete(userId);
    }
    if (change.sessions !== 'keep') {
      endSessionsBut(userId, change.sessions === 'others' ? options.keepSessionId : undefined);
    }
    if (change.devices === 'forget') forgetDevices(userId);
    if (options.enrollmentsChanged ?? change.enrollments) state.facts++;
  };

  const state = {
    policies,
    factors,
    pending,
    recoveryCodes,
    attempts,
    lastFailure,
    sessions,
    grace,
    meta,
    userHandles,
    credentials,
    challenges,
    devices,
    audit,
    /** `factsVersion`: counts the writes that changed an enrollment or a grace start. */
    facts: 0,
    forgetDevices,
    copyCredential,
    credentialsOf,
    graceKey,
    append,
    recordWith,
    sessionKey,
    discardCeremonies,
    methodsLeft,
    endSessionsBut,
    applyTrustChange,
  };
  return state;
}

export type MemoryState = ReturnType<typeof memoryState>;
