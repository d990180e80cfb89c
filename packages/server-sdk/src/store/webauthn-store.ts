import type { SessionRecord, WebAuthnChallengeRecord, WebAuthnCredentialRecord } from '../model.ts';
import type { AuditWrite } from './audit-store.ts';
import type { MustKeep } from './must-keep.ts';

/** What `addWebAuthnCredential` did. */
export type AddCredentialResult =
  /** Added; `recoveryCodesIssued`: it was the user's first factor, so the codes given were stored. */
  | { added: true; recoveryCodesIssued: boolean }
  /**
   * Not added: the user has `limit` credentials already, the credential id is registered
   * already, or the registration's ceremony is no longer open (`ceremony_gone`: answered
   * already, or discarded by a trust change since it began).
   */
  | { added: false; reason: 'too_many' | 'duplicate' | 'ceremony_gone' };

/**
 * Passkeys and security keys: credentials, the user handle, and the ceremonies' challenges.
 *
 * Atomic guarantees: `addWebAuthnCredential` never leaves a user with more than `limit`
 * credentials however many add at once, a credential id belongs to one user only, and given
 * its ceremony it adds only while that registration is open and takes it (of concurrent
 * finishes of one registration, at most one adds); `addWebAuthnCredential`,
 * `renameWebAuthnCredential` and `deleteWebAuthnCredential` append their audit events with
 * their change, or neither; `deleteWebAuthnCredential` given `mustKeep` removes nothing when
 * the user would be left without such a factor, judged inside its write, and discards the
 * user's open registrations and pending setup; `putWebAuthnChallenge` leaves at most
 * `MAX_OPEN_CEREMONIES` open ceremonies per user; `takeWebAuthnChallenge` answers a challenge
 * to exactly one of any number of concurrent callers; `webAuthnUserHandle` keeps the first
 * handle of concurrent callers. Conformance: testing/webauthn.ts, testing/ceremonies.ts.
 */
export interface WebAuthnStore {
  /**
   * The user's WebAuthn user handle: the stored one, else `candidate` stored (of
   * concurrent callers, the first one's stays).
   */
  webAuthnUserHandle(userId: string, candidate: string): Promise<string>;
  /** The user's WebAuthn credentials, oldest first. */
  listWebAuthnCredentials(userId: string): Promise<WebAuthnCredentialRecord[]>;
  /** One of the user's credentials; another user's credential of that id is `null`. */
  getWebAuthnCredential(userId: string, credentialId: string): Promise<WebAuthnCredentialRecord | null>;
  /**
   * Adds a credential unless the user has `limit` already or its id is registered
   * (to anyone). The user's handle exists already (`webAuthnUserHandle`, made with the
   * registration's options): the SQL stores count concurrent additions under its row. When it is the user's first factor (no app, no credential),
   * `recoveryCodeHashes` become their recovery codes. Marks `session` verified; the user's
   * other sessions and remembered devices stay (adding a factor is no loss of trust). All or
   * nothing, audited with it.
   */
  addWebAuthnCredential(
    credential: WebAuthnCredentialRecord,
    options: {
      limit: number;
      recoveryCodeHashes: readonly string[];
      session: SessionRecord;
      /** The registration's open challenge (of `session`), taken with the addition. */
      challenge?: string;
    },
    audit?: AuditWrite,
  ): Promise<AddCredentialResult>;
  /** Renames one of the user's credentials; false (nothing audited) when the user has none of that id. */
  renameWebAuthnCredential(
    userId: string,
    credentialId: string,
    name: string,
    audit?: AuditWrite,
  ): Promise<boolean>;
  /**
   * Removes one of the user's credentials, forgets the user's remembered devices and ends
   * every verified session of the user but `keepSessionId`; when it was the user's last factor, the recovery codes and
   * failed attempts go too. All or nothing; false (nothing changed) without it.
   */
  deleteWebAuthnCredential(
    userId: string,
    credentialId: string,
    audit?: AuditWrite,
    keepSessionId?: string,
    mustKeep?: MustKeep,
  ): Promise<boolean>;
  /**
   * Stores a ceremony's challenge; the user's oldest open ceremonies beyond
   * `MAX_OPEN_CEREMONIES` are discarded.
   */
  putWebAuthnChallenge(challenge: WebAuthnChallengeRecord): Promise<void>;
  /** The challenge, if it was given to this user's session for this ceremony (not taken). */
  findWebAuthnChallenge(
    userId: string,
    sessionId: string,
    challenge: string,
    ceremony: WebAuthnChallengeRecord['ceremony'],
  ): Promise<WebAuthnChallengeRecord | null>;
  /**
   * Takes (removes and answers) the challenge if it was given to this user's session
   * for this ceremony, expired or not: a challenge is answered once.
   */
  takeWebAuthnChallenge(
    userId: string,
    sessionId: string,
    challenge: string,
    ceremony: WebAuthnChallengeRecord['ceremony'],
  ): Promise<WebAuthnChallengeRecord | null>;
}
