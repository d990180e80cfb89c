import { MAX_OPEN_CEREMONIES } from '../../model.ts';
import { keepsFactor } from '../store.ts';
import { trustChanges } from '../trust-changes.ts';
import type { WebAuthnStore } from '../webauthn-store.ts';
import type { MemoryState } from './state.ts';

/** Passkeys and security keys, the user handle, and the ceremonies' challenges. In memory: each method runs to completion without an `await` between its read and its write. */
export function webauthnMethods(mem: MemoryState): WebAuthnStore {
  return {
    async webAuthnUserHandle(userId, candidate) {
      const known = mem.userHandles.get(userId);
      if (known !== undefined) return known;
      mem.userHandles.set(userId, candidate);
      return candidate;
    },
    async listWebAuthnCredentials(userId) {
      return mem.credentialsOf(userId).map(mem.copyCredential);
    },
    async getWebAuthnCredential(userId, credentialId) {
      const c = mem.credentials.get(credentialId);
      return c && c.userId === userId ? mem.copyCredential(c) : null;
    },
    async addWebAuthnCredential(credential, { limit, recoveryCodeHashes, session, challenge }, write) {
      const { userId } = credential;
      if (challenge !== undefined) {
        const open = mem.challenges.get(challenge);
        const ours =
          open?.userId === userId && open.sessionId === session.sessionId && open.ceremony === 'registration';
        if (!ours) return { added: false, reason: 'ceremony_gone' };
      }
      const existing = mem.credentialsOf(userId);
      if (existing.length >= limit) return { added: false, reason: 'too_many' };
      if (mem.credentials.has(credential.credentialId)) return { added: false, reason: 'duplicate' };
      const first = !mem.factors.has(userId) && existing.length === 0;
      mem.credentials.set(credential.credentialId, mem.copyCredential(credential));
      mem.applyTrustChange(userId, trustChanges.factorAdded, {
        recoveryCodeHashes: first ? recoveryCodeHashes : null,
      });
      mem.sessions.set(mem.sessionKey(session.userId, session.sessionId), { ...session });
      const result = { added: true, recoveryCodesIssued: first } as const;
      mem.recordWith(write, result);
      return result;
    },
    async renameWebAuthnCredential(userId, credentialId, name, write) {
      const c = mem.credentials.get(credentialId);
      if (!c || c.userId !== userId) return false;
      c.name = name;
      mem.recordWith(write, true);
      return true;
    },
    async deleteWebAuthnCredential(userId, credentialId, write, keepSessionId, mustKeep) {
      const c = mem.credentials.get(credentialId);
      if (!c || c.userId !== userId) return false;
      if (!keepsFactor(mem.methodsLeft(userId, { app: false, credentialId }), mustKeep)) return false;
      mem.credentials.delete(credentialId);
      mem.applyTrustChange(userId, trustChanges.factorRemoved, { keepSessionId });
      mem.recordWith(write, true);
      return true;
    },
    async putWebAuthnChallenge(challenge) {
      mem.challenges.set(challenge.challenge, { ...challenge });
      const open = [...mem.challenges.values()]
        .filter((c) => c.userId === challenge.userId)
        .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
      for (const old of open.slice(MAX_OPEN_CEREMONIES)) mem.challenges.delete(old.challenge);
    },
    async findWebAuthnChallenge(userId, sessionId, challenge, ceremony) {
      const record = mem.challenges.get(challenge);
      if (!record || record.userId !== userId || record.sessionId !== sessionId) return null;
      return record.ceremony === ceremony ? { ...record } : null;
    },
    async takeWebAuthnChallenge(userId, sessionId, challenge, ceremony) {
      const record = mem.challenges.get(challenge);
      if (!record || record.userId !== userId || record.sessionId !== sessionId) return null;
      if (record.ceremony !== ceremony) return null;
      mem.challenges.delete(challenge);
      return { ...record };
    },
  };
}
