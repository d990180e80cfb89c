import type { GraceRecord } from '../model.ts';

/**
 * Grace periods, per account and user, and the facts version of the members list.
 *
 * Atomic guarantees: `startGrace` keeps the first start of concurrent callers; `factsVersion`
 * changes in the same transaction as the write that changes the facts it versions, so a
 * reader that reads the version and then the facts never keeps facts older than the version
 * it read. Conformance: testing/grace.ts, testing/facts-version.ts.
 */
export interface GraceStore {
  /** Starts the user's grace period for the account at `at` unless it started already; returns it as stored. */
  startGrace(accountId: string, userId: string, at: Date): Promise<GraceRecord>;
  /** The grace periods of these users in this account (users without one have no entry). */
  getGraceStarts(accountId: string, userIds: readonly string[]): Promise<Map<string, GraceRecord>>;
  /**
   * The facts version: an opaque value that changes, in the same transaction, with every
   * write that changes what `getEnrollments` or `getGraceStarts` answer for anyone (an app
   * activated or removed, a WebAuthn credential added or removed, a reset, a grace period
   * started or forfeited), and with no other write (sessions, attempts, codes, policies,
   * devices, audit). The members list reads it before an account's facts and keeps them
   * while it stays the same. Optional: without it, a store's facts are remembered for
   * `policyCacheTtl` only.
   */
  factsVersion?(): Promise<string>;
  /**
   * A reset at `at` forfeits the user's grace period in each account: `forfeitedAt` becomes
   * `at` unless an earlier reset forfeited it already (a period that never started starts and
   * is forfeited at `at`); `startedAt` stays.
   */
  forfeitGrace(userId: string, accountIds: readonly string[], at: Date): Promise<void>;
}
