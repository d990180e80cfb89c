import type { Generated } from 'kysely';

/** The tables of the SQL stores. Times are epoch milliseconds. */
export interface Database {
  mfa_policies: {
    account_id: string;
    mode: string;
    grace_period_days: number;
    enforce_after_sso: number;
    /** Since migration 0006_webauthn. */
    allowed_factors: string;
    /** Since migration 0007_remembered_devices. */
    remember_device_days: number;
    /** Since migration 0013_rollout: the start date of an announced policy. */
    enforce_from?: number | string | null;
    version: number;
    updated_at: number | string | null;
    updated_by: string | null;
  };
  mfa_totp_factors: {
    user_id: string;
    secret: string;
    last_used_step: number | string | null;
    created_at: number | string;
  };
  mfa_pending_totp: { user_id: string; secret: string; expires_at: number | string };
  mfa_recovery_codes: { user_id: string; code_hash: string; used_at: number | string | null };
  /** `last_failed_at` since migration 0005_pruning (null: counted before it). */
  mfa_attempts: {
    user_id: string;
    failures: number;
    locked_until: number | string | null;
    last_failed_at?: number | string | null;
  };
  /** A user's verified sessions, keyed by user and session (migration 0004_sessions_by_user). */
  mfa_verified_sessions: {
    user_id: string;
    session_id: string;
    verified_at: number | string;
    /** Since migration 0006_webauthn; `null`: verified before it, with the app. */
    method?: string | null;
  };
  /** Each user's random WebAuthn user handle (migration 0006_webauthn). */
  mfa_webauthn_users: { user_id: string; user_handle: string };
  /** WebAuthn credentials (migration 0006_webauthn); `transports` is a JSON array. */
  mfa_webauthn_credentials: {
    credential_id: string;
    user_id: string;
    public_key: string;
    counter: number | string;
    transports: string;
    backed_up: number;
    name: string;
    created_at: number | string;
    last_used_at: number | string | null;
    /** Migration 0010: the relying party id it was registered for, and its AAGUID. */
    rp_id: string | null;
    aaguid: string | null;
  };
  /** Challenges of WebAuthn ceremonies in progress (migration 0006_webauthn). */
  mfa_webauthn_challenges: {
    challenge: string;
    user_id: string;
    session_id: string;
    ceremony: string;
    expires_at: number | string;
  };
  /** Remembered devices (migration 0007_remembered_devices): the token's keyed hash, never the token. */
  mfa_remembered_devices: {
    device_id: string;
    user_id: string;
    token_hash: string;
    method: string;
    label: string;
    created_at: number | string;
    last_used_at: number | string | null;
    expires_at: number | string;
  };
  mfa_grace: {
    account_id: string;
    user_id: string;
    started_at: number | string;
    forfeited_at: number | string | null;
  };
  /** mfakit's own bookkeeping, e.g. the key check (migration 0003_meta). */
  mfa_meta: { key: string; value: string };
  /** Counters moved on inside the writes they count (migration 0008_facts_version): `facts`. */
  mfa_counters: { name: string; value: number | string };
  /** Each audit-trail subscriber's progress and lease (migration 0012_deliveries). */
  mfa_deliveries: {
    subscriber: string;
    last_id: number | string;
    failures: number;
    retry_at: number | string | null;
    lease_owner: string | null;
    lease_until: number | string | null;
  };
  /** Reminders sent to members without MFA (migration 0013_rollout), once per `occasion`. */
  mfa_reminders: {
    account_id: string;
    user_id: string;
    /** `<stage>:<deadline ms>`, or `manual:<round ms>` for an administrator's round. */
    occasion: string;
    stage: string;
    deadline: number | string | null;
    sent_at: number | string;
  };
  /** Per account: when its reminders were last looked at, when next due, its last manual round. */
  mfa_reminder_accounts: {
    account_id: string;
    scanned_at: number | string | null;
    due_at: number | string | null;
    manual_at: number | string | null;
  };
  /** Each user's snoozes of a nudge (migration 0013_rollout). */
  mfa_nudges: { user_id: string; kind: string; snoozes: number; snoozed_until: number | string | null };
  mfa_audit: {
    id: Generated<number | string>;
    type: string;
    actor_id: string | null;
    user_id: string | null;
    account_id: string | null;
    before: string | null;
    after: string | null;
    at: number | string;
  };
}
