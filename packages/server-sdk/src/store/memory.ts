import {
  type AttemptState,
  type AuditEvent,
  type AuditEventInput,
  type Enrollment,
  type FactorMethod,
  type GraceRecord,
  MAX_OPEN_CEREMONIES,
  type PendingTotpRecord,
  type PolicyRecord,
  type RememberedDeviceRecord,
  type SessionRecord,
  type TotpFactorRecord,
  type WebAuthnChallengeRecord,
  type WebAuthnCredentialRecord,
} from '../model.ts';
import {
  type AttemptResult,
  type AuditQuery,
  type AuditWrite,
  auditEvents,
  keepsFactor,
  type MfaStore,
  settle,
  verificationMethodOf,
} from './store.ts';

interface RecoveryCode {
  hash: string;
  usedAt: Date | null;
}

/**
 * A store in this process's memory: for tests and single-process evaluation.
 * Its state is lost on restart. Each method runs to completion without an
 * `await` in between, which is what makes its read-modify-writes atomic.
 *
 * @example
 * const mfa = createMfa({ store: memoryStore(), ... });
 */
export function memoryStore(): MfaStore {
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
  /** `factsVersion`: counts the writes that changed an enrollment or a grace start. */
  let facts = 0;
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
  /** A user left without any factor loses the codes and failures that went with MFA. */
  const forgetMfaIfNone = (userId: string) => {
    if (factors.has(userId) || credentialsOf(userId).length > 0) return;
    recoveryCodes.delete(userId);
    attempts.delete(userId);
    lastFailure.delete(userId);
  };
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
  /** The factors the user would hold without the app (`app: true`) or without one credential. */
  const methodsLeft = (userId: string, without: { app: boolean; credentialId?: string }) => {
    const left: FactorMethod[] = [];
    if (!without.app && factors.has(userId)) left.push('totp');
    if (credentialsOf(userId).some((c) => c.credentialId !== without.credentialId)) left.push('webauthn');
    return left;
  };
  const endSessionsBut = (userId: string, keep?: string) => {
    for (const [key, session] of sessions)
      if (session.userId === userId && session.sessionId !== keep) sessions.delete(key);
  };

  return {
    async migrate() {},
    async close() {},

    async getPolicy(accountId) {
      const policy = policies.get(accountId);
      return policy ? { ...policy } : null;
    },
    async putPolicy(policy, expectedVersion, write) {
      const current = policies.get(policy.accountId)?.version ?? 0;
      if (current !== expectedVersion) return false;
      policies.set(policy.accountId, { ...policy });
      recordWith(write, true);
      return true;
    },

    async getFactor(userId) {
      const factor = factors.get(userId);
      return factor ? { ...factor } : null;
    },
    async getChallengeState(userId) {
      const factor = factors.get(userId);
      if (!factor) return null;
      return { factor: { ...factor }, lockedUntil: attempts.get(userId)?.lockedUntil ?? null };
    },
    async getEnrollments(userIds) {
      const enrolled = new Map<string, Enrollment>();
      const wanted = new Set(userIds);
      for (const id of wanted) {
        const factor = factors.get(id);
        if (factor) enrolled.set(id, { methods: ['totp'], since: factor.createdAt });
      }
      for (const c of credentials.values()) {
        if (!wanted.has(c.userId)) continue;
        const known = enrolled.get(c.userId);
        if (!known) enrolled.set(c.userId, { methods: ['webauthn'], since: c.createdAt });
        else {
          if (!known.methods.includes('webauthn')) known.methods.push('webauthn');
          if (c.createdAt < known.since) known.since = c.createdAt;
        }
      }
      return enrolled;
    },
    async updateFactorSecret(userId, secret, expected) {
      const factor = factors.get(userId);
      if (!factor || factor.secret !== expected) return false;
      factor.secret = secret;
      return true;
    },
    async listFactorSecrets(after, limit) {
      return [...factors.values()]
        .filter((factor) => after === null || factor.userId > after)
        .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
        .slice(0, limit)
        .map(({ userId, secret }) => ({ userId, secret }));
    },

    async putPendingTotp(record) {
      pending.set(record.userId, { ...record });
    },
    async getPendingTotp(userId) {
      const record = pending.get(userId);
      return record ? { ...record } : null;
    },
    async activateTotp(factor, pendingSecret, hashes, write, session) {
      if (pending.get(factor.userId)?.secret !== pendingSecret) return false;
      discardCeremonies(factor.userId);
      // Only an app replaced is a trust change; a first app is a factor added.
      if (factors.has(factor.userId)) {
        endSessionsBut(factor.userId);
        forgetDevices(factor.userId);
      }
      factors.set(factor.userId, { ...factor });
      facts++;
      if (hashes) {
        recoveryCodes.set(
          factor.userId,
          hashes.map((hash) => ({ hash, usedAt: null })),
        );
      }
      if (session) sessions.set(sessionKey(session.userId, session.sessionId), { ...session });
      recordWith(write, true);
      return true;
    },
    async deleteFactor(userId, write) {
      let existed = factors.delete(userId);
      for (const c of credentialsOf(userId)) existed = credentials.delete(c.credentialId) || existed;
      discardCeremonies(userId);
      recoveryCodes.delete(userId);
      attempts.delete(userId);
      lastFailure.delete(userId);
      endSessionsBut(userId);
      forgetDevices(userId);
      if (existed) facts++;
      recordWith(write, existed);
      return existed;
    },
    async deleteTotp(userId, write, keepSessionId, mustKeep) {
      if (!factors.has(userId) || !keepsFactor(methodsLeft(userId, { app: true }), mustKeep)) return false;
      factors.delete(userId);
      discardCeremonies(userId);
      facts++;
      forgetMfaIfNone(userId);
      endSessionsBut(userId, keepSessionId);
      forgetDevices(userId);
      recordWith(write, true);
      return true;
    },

    async webAuthnUserHandle(userId, candidate) {
      const known = userHandles.get(userId);
      if (known !== undefined) return known;
      userHandles.set(userId, candidate);
      return candidate;
    },
    async listWebAuthnCredentials(userId) {
      return credentialsOf(userId).map(copyCredential);
    },
    async getWebAuthnCredential(userId, credentialId) {
      const c = credentials.get(credentialId);
      return c && c.userId === userId ? copyCredential(c) : null;
    },
    async addWebAuthnCredential(credential, { limit, recoveryCodeHashes, session, challenge }, write) {
      const { userId } = credential;
      if (challenge !== undefined) {
        const open = challenges.get(challenge);
        const ours =
          open?.userId === userId && open.sessionId === session.sessionId && open.ceremony === 'registration';
        if (!ours) return { added: false, reason: 'ceremony_gone' };
      }
      const existing = credentialsOf(userId);
      if (existing.length >= limit) return { added: false, reason: 'too_many' };
      if (credentials.has(credential.credentialId)) return { added: false, reason: 'duplicate' };
      const first = !factors.has(userId) && existing.length === 0;
      if (first) {
        recoveryCodes.set(
          userId,
          recoveryCodeHashes.map((hash) => ({ hash, usedAt: null })),
        );
      }
      credentials.set(credential.credentialId, copyCredential(credential));
      facts++;
      discardCeremonies(userId);
      sessions.set(sessionKey(session.userId, session.sessionId), { ...session });
      const result = { added: true, recoveryCodesIssued: first } as const;
      recordWith(write, result);
      return result;
    },
    async renameWebAuthnCredential(userId, credentialId, name, write) {
      const c = credentials.get(credentialId);
      if (!c || c.userId !== userId) return false;
      c.name = name;
      recordWith(write, true);
      return true;
    },
    async deleteWebAuthnCredential(userId, credentialId, write, keepSessionId, mustKeep) {
      const c = credentials.get(credentialId);
      if (!c || c.userId !== userId) return false;
      if (!keepsFactor(methodsLeft(userId, { app: false, credentialId }), mustKeep)) return false;
      credentials.delete(credentialId);
      discardCeremonies(userId);
      facts++;
      forgetMfaIfNone(userId);
      endSessionsBut(userId, keepSessionId);
      forgetDevices(userId);
      recordWith(write, true);
      return true;
    },
    async putWebAuthnChallenge(challenge) {
      challenges.set(challenge.challenge, { ...challenge });
      const open = [...challenges.values()]
        .filter((c) => c.userId === challenge.userId)
        .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
      for (const old of open.slice(MAX_OPEN_CEREMONIES)) challenges.delete(old.challenge);
    },
    async findWebAuthnChallenge(userId, sessionId, challenge, ceremony) {
      const record = challenges.get(challenge);
      if (!record || record.userId !== userId || record.sessionId !== sessionId) return null;
      return record.ceremony === ceremony ? { ...record } : null;
    },
    async takeWebAuthnChallenge(userId, sessionId, challenge, ceremony) {
      const record = challenges.get(challenge);
      if (!record || record.userId !== userId || record.sessionId !== sessionId) return null;
      if (record.ceremony !== ceremony) return null;
      challenges.delete(challenge);
      return { ...record };
    },
    async replaceRecoveryCodes(userId, hashes, write, keepSessionId) {
      recoveryCodes.set(
        userId,
        hashes.map((hash) => ({ hash, usedAt: null })),
      );
      endSessionsBut(userId, keepSessionId);
      forgetDevices(userId);
      discardCeremonies(userId);
      recordWith(write);
    },
    async recoveryCodeKeys(userId) {
      const unused = recoveryCodes.get(userId)?.filter((c) => c.usedAt === null) ?? [];
      return [...new Set(unused.map((c) => c.hash.split('.')[0] as string))];
    },
    async countRecoveryCodeUsersByKey() {
      const counts = new Map<string, number>();
      for (const codes of recoveryCodes.values()) {
        const keys = new Set(
          codes.filter((c) => c.usedAt === null).map((c) => c.hash.split('.')[0] as string),
        );
        for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    async countRecoveryCodes(userId) {
      return recoveryCodes.get(userId)?.filter((c) => c.usedAt === null).length ?? 0;
    },

    async rememberDevice(device, write, session) {
      if (session) {
        const now = sessions.get(sessionKey(device.userId, session.sessionId));
        const asVerified =
          session.userId === device.userId &&
          now?.verifiedAt.getTime() === session.verifiedAt.getTime() &&
          now.method === session.method;
        if (!asVerified) return false;
      }
      devices.set(device.deviceId, { ...device });
      recordWith(write, true);
      return true;
    },
    async findRememberedDevice(userId, tokenHashes) {
      for (const device of devices.values()) {
        if (device.userId === userId && tokenHashes.includes(device.tokenHash)) return { ...device };
      }
      return null;
    },
    async listRememberedDevices(userId) {
      return [...devices.values()]
        .filter((d) => d.userId === userId)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map((d) => ({ ...d }));
    },
    async useRememberedDevice(userId, deviceId, session, rehash) {
      const device = devices.get(deviceId);
      if (!device || device.userId !== userId || session.userId !== userId) return false;
      device.lastUsedAt = session.verifiedAt;
      if (rehash !== undefined) device.tokenHash = rehash;
      sessions.set(sessionKey(userId, session.sessionId), { ...session });
      return true;
    },
    async forgetRememberedDevices(userId, deviceId, write) {
      const n = forgetDevices(userId, deviceId);
      if (n > 0) recordWith(write, n);
      return n;
    },

    async getAttempts(userId) {
      const state = attempts.get(userId);
      return state ? { ...state } : { failures: 0, lockedUntil: null };
    },

    async settleAttempt(input) {
      const { userId, proof, now } = input;
      const state = attempts.get(userId) ?? { failures: 0, lockedUntil: null };
      const settled = settle(input, state, () => {
        if (proof.kind === 'setup') return true;
        if (proof.kind === 'webauthn') {
          const c = credentials.get(proof.credentialId);
          if (!c || c.userId !== userId || c.counter !== proof.expectedCounter) return false;
          c.counter = proof.counter;
          c.backedUp = proof.backedUp;
          c.lastUsedAt = now;
          return true;
        }
        if (proof.kind === 'totp') {
          const factor = factors.get(userId);
          const step = proof.step as number;
          // Only on the secret the code was judged against: a factor replaced meanwhile is another.
          if (!factor || factor.secret !== proof.secret) return false;
          if (factor.lastUsedStep !== null && factor.lastUsedStep >= step) return false;
          factor.lastUsedStep = step;
          return true;
        }
        const code = recoveryCodes
          .get(userId)
          ?.find((c) => c.usedAt === null && proof.hashes.includes(c.hash));
        if (!code) return false;
        code.usedAt = now;
        return true;
      });
      let result: AttemptResult;
      if (settled.outcome === 'locked') {
        result = settled;
      } else if (settled.outcome !== 'verified') {
        attempts.set(userId, { failures: settled.failures, lockedUntil: settled.lockedUntil });
        lastFailure.set(userId, now);
        result = { outcome: settled.outcome, failures: settled.failures };
      } else {
        attempts.delete(userId);
        lastFailure.delete(userId);
        // A setup's confirmation is marked by its activation.
        if (proof.kind !== 'setup') {
          sessions.set(sessionKey(userId, input.sessionId), {
            sessionId: input.sessionId,
            userId,
            verifiedAt: now,
            method: verificationMethodOf(proof),
          });
        }
        const recoveryCodesRemaining =
          recoveryCodes.get(userId)?.filter((c) => c.usedAt === null).length ?? 0;
        result = { outcome: 'verified', recoveryCodesRemaining };
      }
      return { ...result, events: append(input.audit?.(result) ?? []) };
    },

    async markSessionVerified(session) {
      sessions.set(sessionKey(session.userId, session.sessionId), { ...session });
    },
    async getSession(userId, sessionId) {
      const session = sessions.get(sessionKey(userId, sessionId));
      return session ? { ...session } : null;
    },
    async endSession(userId, sessionId) {
      sessions.delete(sessionKey(userId, sessionId));
      discardCeremonies(userId);
    },
    async pruneExpired({ now, sessionsBefore, attemptsBefore, keepFailures, limit }) {
      let removed = 0;
      const prune = <K, V>(
        map: Map<K, V>,
        expired: (key: K, value: V) => boolean,
        also?: (key: K) => void,
      ) => {
        let n = 0;
        for (const [key, value] of map) {
          if (n >= limit) break;
          if (!expired(key, value)) continue;
          map.delete(key);
          also?.(key);
          n++;
        }
        removed += n;
      };
      prune(pending, (_, p) => p.expiresAt < now);
      prune(challenges, (_, c) => c.expiresAt < now);
      prune(devices, (_, d) => d.expiresAt < now);
      prune(sessions, (_, s) => s.verifiedAt < sessionsBefore);
      prune(
        attempts,
        (userId, state) =>
          state.failures < keepFailures && (lastFailure.get(userId) ?? new Date(0)) < attemptsBefore,
        (userId) => lastFailure.delete(userId),
      );
      return removed;
    },

    async startGrace(accountId, userId, at) {
      const key = graceKey(accountId, userId);
      const existing = grace.get(key);
      if (existing) return { ...existing };
      grace.set(key, { startedAt: at, forfeitedAt: null });
      facts++;
      return { startedAt: at, forfeitedAt: null };
    },
    async getGraceStarts(accountId, userIds) {
      const starts = new Map<string, GraceRecord>();
      for (const userId of userIds) {
        const record = grace.get(graceKey(accountId, userId));
        if (record) starts.set(userId, { ...record });
      }
      return starts;
    },
    async factsVersion() {
      return String(facts);
    },
    async forfeitGrace(userId, accountIds, at) {
      for (const accountId of accountIds) {
        const key = graceKey(accountId, userId);
        const existing = grace.get(key);
        if (!existing) grace.set(key, { startedAt: at, forfeitedAt: at });
        else if (existing.forfeitedAt === null || existing.forfeitedAt > at) existing.forfeitedAt = at;
        else continue;
        facts++;
      }
    },

    async getMeta(key) {
      return meta.get(key) ?? null;
    },
    async putMeta(key, value, expected) {
      if ((meta.get(key) ?? null) !== expected) return false;
      meta.set(key, value);
      return true;
    },

    async appendAudit(input: AuditEventInput) {
      return append([input])[0] as AuditEvent;
    },
    async listAudit({ accountId, userIds, beforeId, limit }: AuditQuery) {
      const users = new Set(userIds);
      const before = beforeId === undefined ? Number.POSITIVE_INFINITY : Number(beforeId);
      const result: AuditEvent[] = [];
      for (let i = audit.length - 1; i >= 0 && result.length < limit; i--) {
        const event = audit[i] as AuditEvent;
        if (Number(event.id) >= before) continue;
        const belongs =
          event.accountId === accountId ||
          (event.accountId === null && event.userId !== null && users.has(event.userId));
        if (belongs) result.push({ ...event });
      }
      return result;
    },
  };
}
