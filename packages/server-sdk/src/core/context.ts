import { checkKeys } from '../crypto/key-check.ts';
import { checkSecrets, SecretBox } from '../crypto/secret-box.ts';
import { MfaConfigError } from '../errors.ts';
import type { MemberListing, Membership, MembershipListing, SsoIntegration } from '../model.ts';
import type { MfaOptions } from '../options.ts';
import type { MfaStore } from '../store/store.ts';
import { AccessCache } from './access-cache.ts';
import { deadline, type Fail, failureReporter, type Run, storeUnderDeadline } from './deadline.ts';

/**
 * What every capability works with: the store (each call under the deadline),
 * the secret box, the clock, the host's hooks, the access cache and readiness.
 * One per `createMfa`; capabilities are functions of it.
 */
export class MfaContext {
  readonly store: MfaStore;
  readonly box: SecretBox;
  readonly now: () => Date;
  readonly sessionMaxAge: number;
  /** A store call or hook under the deadline (see core/deadline.ts). */
  readonly run: Run;
  /** `unavailable` for a failure underneath, reported once. */
  readonly fail: Fail;
  readonly cache: AccessCache;
  /** The remembered-device cookie's name. */
  readonly deviceCookie: string;
  /** This instance's writes since expired rows were last pruned (attempts/prune.ts). */
  writesSincePrune = 0;
  /** Called when a change stored audit events: wakes the delivery loop (set by `createMfa`). */
  eventsStored: () => void = () => {};
  /** Called when a policy was saved: wakes the reminder loop for the announcement (set by `createMfa`). */
  policySaved: () => void = () => {};
  /** Run once the store is ready, before any request: the delivery loop's subscribers made. */
  onReady: () => Promise<void> = async () => {};

  constructor(readonly options: MfaOptions) {
    this.box = new SecretBox(checkSecrets(options.secret));
    this.now = options.now ?? (() => new Date());
    this.sessionMaxAge = options.sessionMaxAge ?? 12 * 3600;
    this.cache = new AccessCache((options.policyCacheTtl ?? 5) * 1000);
    this.deviceCookie = options.deviceCookie ?? 'mfa_device';
    this.fail = failureReporter(options.onError);
    this.run = deadline(options.timeoutMs ?? 5000, this.fail);
    this.store = storeUnderDeadline(options.store, this.run);
  }

  // ── readiness ────────────────────────────────────────────────────────────

  private readiness: Promise<void> | undefined;
  private isReady = false;

  /**
   * Migrations applied and the key check passed (`checkKeys`). A wrong key rejects
   * with `MfaConfigError`, for good; a store failure is tried again on the next call.
   */
  ready(): Promise<void> {
    this.readiness ??= checkKeys(this.store, this.box)
      .then(() => this.onReady())
      .then(
        () => {
          this.isReady = true;
        },
        (error: unknown) => {
          if (error instanceof MfaConfigError) console.error(`mfakit: ${error.message}`);
          else this.readiness = undefined;
          throw error;
        },
      );
    return this.readiness;
  }

  /** `ready()` for a request: nothing once ready, else a promise within `timeoutMs` or `unavailable`. */
  readyForRequest(): Promise<void> | undefined {
    return this.isReady
      ? undefined
      : Promise.resolve(this.run(() => this.ready(), 'ready (migrations and the key check)'));
  }

  // ── the host's hooks ─────────────────────────────────────────────────────

  membership(userId: string, accountId: string): Membership | null | Promise<Membership | null> {
    return this.run(() => this.options.getMembership(userId, accountId), 'getMembership');
  }

  async memberships(userId: string): Promise<MembershipListing[]> {
    return this.run(() => this.options.listMemberships(userId), 'listMemberships');
  }

  async members(accountId: string): Promise<MemberListing[]> {
    return this.run(() => this.options.listMembers(accountId), 'listMembers');
  }

  sso(accountId: string): SsoIntegration | null | Promise<SsoIntegration | null> {
    const getSso = this.options.getSso;
    return getSso ? this.run(() => getSso(accountId), 'getSso') : null;
  }
}
