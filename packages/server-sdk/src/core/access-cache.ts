import type {
  Enrollment,
  FactorMethod,
  GraceRecord,
  PolicyRecord,
  RememberedDeviceRecord,
  SessionRecord,
  SsoIntegration,
} from '../model.ts';
import { TtlCache } from './ttl-cache.ts';

/**
 * What the access decision reads of the store (policies, which factors a user
 * has, verified sessions, grace starts), remembered by this instance for at
 * most `policyCacheTtl`, so that a guarded request of a verified user costs no
 * store call. The rules that keep this correct:
 * - this instance's own writes update or forget what it remembers at once
 *   (`changeUser`, `rememberPolicy`), and a read begun before such a write is not
 *   remembered after it (`generation`);
 * - another instance's writes are seen within `policyCacheTtl`, never later (the
 *   members list of an account, with a store that keeps a facts version, at once);
 * - a denial is never made on remembered user state (see access/evaluate.ts).
 */
/** What the store knows of an account's members' MFA, for its members list (admin/members-page.ts). */
export interface AccountMembersFacts {
  /** The cache's generation when read: facts of another generation are stale. */
  generation: number;
  /** The store's facts version, read before the facts (`null`: the store keeps none). */
  version: string | null;
  /** When the facts were read (ms): they are read again at most `ACCOUNT_FACTS_MAX_AGE_MS` later. */
  readAt: number;
  enrollments: Map<string, Enrollment>;
  graceStarts: Map<string, GraceRecord>;
  /** The user ids read (members without a factor or grace have no entry in the maps). */
  read: Set<string>;
}

/** What an account's settings show beside its policy (admin/views.ts). */
export interface PolicySummary {
  sso: SsoIntegration | null;
  updatedByName: string | null;
  compliance: { members: number; enrolled: number; withAcceptedMethod: number; phishingResistant: number };
}

/**
 * How long an account's facts are kept, past `policyCacheTtl`, while the store's facts
 * version stays the same: an idle account's go after this, and those of an account paged
 * all along are read again after this since they were read, which bounds how long a write
 * that does not move the version (an instance of an earlier release during an upgrade, a
 * row changed by hand) stays unseen.
 */
export const ACCOUNT_FACTS_MAX_AGE_MS = 60_000;

export class AccessCache {
  readonly policies: TtlCache<string, PolicyRecord>;
  /** Which factors a user has (none: an empty list). */
  readonly methods: TtlCache<string, readonly FactorMethod[]>;
  /** Sessions the store knows as verified, by session id (the user is checked on use). */
  readonly sessions: TtlCache<string, SessionRecord>;
  /**
   * Remembered devices by `userId \0 token hash` (under the newest key); `null`: no device of
   * that user has that token (unknown, forgotten, another user's).
   */
  readonly devices: TtlCache<string, RememberedDeviceRecord | null>;
  /** Grace starts, by `accountId \0 userId`: once known, evaluating writes nothing. */
  readonly graceStarts: TtlCache<string, GraceRecord>;
  /**
   * Accounts' members' MFA, by account id, for paging the members list (a few accounts at a
   * time): kept up to `ACCOUNT_FACTS_MAX_AGE_MS`, and used past `ttlMs` only while the
   * store's facts version is the one read with them (admin/members-page.ts).
   */
  readonly accountMembers: TtlCache<string, AccountMembersFacts>;
  /**
   * Accounts' policy summaries, by account id, with the generation and policy version they
   * were made at (`generation:version`): the host's member list and every member's factors,
   * read again after `ttlMs`, on a new policy, or after any write of this instance.
   */
  readonly policySummaries: TtlCache<string, { made: string; summary: PolicySummary }>;
  /** Counts this instance's writes to users' MFA: a read begun before one is not remembered. */
  generation = 0;
  /** Store reads in flight, by what they read (see `singleFlight`). */
  private readonly inflight = new Map<string, { generation: number; promise: Promise<unknown> }>();

  constructor(readonly ttlMs: number) {
    this.policies = new TtlCache(ttlMs, 10_000);
    this.methods = new TtlCache(ttlMs);
    this.sessions = new TtlCache(ttlMs);
    this.devices = new TtlCache(ttlMs);
    this.graceStarts = new TtlCache(ttlMs);
    this.accountMembers = new TtlCache(Math.max(ttlMs, ACCOUNT_FACTS_MAX_AGE_MS), 100);
    this.policySummaries = new TtlCache(ttlMs, 1_000);
  }

  /**
   * One store read for concurrent misses of the same key: a page that sends ten
   * guarded requests at once, or a cache entry expiring under load, reads once.
   * A read begun before this instance changed what it reads (another generation)
   * is not shared with requests made after the change.
   */
  singleFlight<T>(key: string, load: () => Promise<T>, share = true): Promise<T> {
    const generation = this.generation;
    const current = this.inflight.get(key);
    if (share && current?.generation === generation) return current.promise as Promise<T>;
    const promise = load();
    this.inflight.set(key, { generation, promise });
    const done = () => {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  /** Remembers a policy unless a newer version is remembered (a read begun before this instance's write). */
  rememberPolicy(policy: PolicyRecord): void {
    const nowMs = Date.now();
    const cached = this.policies.get(policy.accountId, nowMs);
    if (cached && cached.version > policy.version) return;
    this.policies.set(policy.accountId, policy, nowMs);
  }

  /** This instance verified a session: it counts here at once. */
  rememberSession(session: SessionRecord): void {
    this.sessions.set(session.sessionId, session, Date.now());
  }

  /**
   * A write to the user's MFA, after which (done, failed or timed out: the store
   * may have changed all the same) this instance forgets what it remembered of the
   * user, and remembers no read begun before.
   */
  async changeUser<T>(userId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.forgetUser(userId);
    }
  }

  private forgetUser(userId: string): void {
    this.generation++;
    this.methods.delete(userId);
    this.sessions.deleteWhere((_, session) => session.userId === userId);
    this.devices.deleteWhere((key) => key.startsWith(`${userId}\u0000`));
    this.graceStarts.deleteWhere((key) => key.endsWith(`\u0000${userId}`));
  }
}
