import type { Context } from 'hono';
import type { NotificationMessage } from './events/notifications/messages.ts';
import type { NotificationStrings } from './events/notifications/strings.ts';
import type { NotificationRecipient } from './events/notifications/subscriber.ts';
import type { WebhookEndpoint } from './events/webhooks.ts';
import type {
  AuditEvent,
  MemberListing,
  Membership,
  MembershipListing,
  Principal,
  SsoIntegration,
} from './model.ts';
import type { MfaStore } from './store/store.ts';

type MaybePromise<T> = T | Promise<T>;

/** What a store call or hook that failed was, for the host's `onError`. */
export interface MfaErrorContext {
  /** `store.<method>` for a store call, else the hook's name (`getMembership`, `authenticate`…). */
  operation: string;
}

/** What the host gives `createMfa`. Only `store`, `secret`, `issuer` and the membership hooks are required. */
export interface MfaOptions {
  /** Where state lives: `sqliteStore()`, `postgresStore()` or `memoryStore()`. */
  store: MfaStore;
  /** At least 32 bytes; derives the encryption and hashing keys. A list rotates keys: newest first. */
  secret: string | readonly string[];
  /** The name authenticator apps show beside the code. */
  issuer: string;
  /** Who is signed in on this request, or `null`. */
  authenticate: (c: Context) => MaybePromise<Principal | null>;
  /** The user's role in the account, or `null` when not a member. */
  getMembership: (userId: string, accountId: string) => MaybePromise<Membership | null>;
  /** Every account the user belongs to. */
  listMemberships: (userId: string) => MaybePromise<MembershipListing[]>;
  /** Every member of the account. */
  listMembers: (accountId: string) => MaybePromise<MemberListing[]>;
  /** The account's Single Sign-On integration, or `null` (the default). */
  getSso?: (accountId: string) => MaybePromise<SsoIntegration | null>;
  /**
   * Called when a store call or hook fails or times out (the request is then answered
   * 503 `unavailable`), with the error and which operation it was. Without it, each
   * failure is logged once with `console.error`. Neither names the call's arguments.
   */
  onError?: (error: unknown, context: MfaErrorContext) => void;
  /**
   * Given each audit event, at least once, in order, beside the requests (the delivery loop:
   * the event is in the store before, so a restart loses none; dedupe on its `id`). A throw
   * (or rejection) is reported and the event given again later, with growing waits.
   */
  onEvent?: (event: AuditEvent) => MaybePromise<void>;
  /**
   * Endpoints that get every event (or those of `events`) as a JSON POST signed per the
   * Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`;
   * `secret` as `whsec_…`), at least once, retried with growing waits while they fail.
   */
  webhooks?: readonly WebhookEndpoint[];
  /**
   * Sends a security notification the SDK wrote (`{ id, kind, to, locale, subject, text,
   * html }`) with the host's mailer: to a user when their second factor changes, to an
   * account's administrators when a member is reset or the policy changes. Given at least
   * once per event (dedupe on `id`); a throw has it sent again later.
   */
  notify?: (message: NotificationMessage) => MaybePromise<void>;
  /**
   * How events reach the subscribers (`onEvent`, `webhooks`, `notify`): `'background'`
   * (default) runs a delivery pass after each change and polls every second, and sends due
   * reminders (`mfa.sendDueReminders()`) every ten minutes and after a policy is saved;
   * `'manual'` runs none by itself, for a runtime without a process of its own (a Cloudflare
   * Worker): call `mfa.deliverEvents()` and `mfa.sendDueReminders()` from a cron trigger.
   */
  eventDelivery?: 'background' | 'manual';
  /** The host's profile page, where users review their second factor: linked in notifications. */
  profileUrl?: string;
  notifications?: {
    /** Who a user is (default: their entry in the member listing of their first account). */
    recipient?: (userId: string) => MaybePromise<NotificationRecipient | null>;
    /** A user's language (BCP 47), when the host knows it; English and German are built in. */
    userLocale?: (userId: string) => MaybePromise<string | null | undefined>;
    /** Words to replace, per language (`{ de: { footer: '…' } }`). */
    strings?: Readonly<Record<string, Partial<NotificationStrings>>>;
    /** The language of recipients whose own is unknown, default `en`. */
    locale?: string;
  };
  /**
   * How due reminders to members without MFA are sent (DESIGN "Rollout"): `'background'`
   * (the default, unless `eventDelivery` is `'manual'`) every ten minutes and a few seconds
   * after a policy is saved; `'manual'`: only when the host calls `mfa.sendDueReminders()`
   * (a cron, a Worker's scheduled handler).
   */
  reminders?: 'background' | 'manual';
  /** Days **Not now** hides `<mfa-nudge>`'s suggestion (1 to 90, default 14); three times at most. */
  nudgeSnoozeDays?: number;
  /** The clock (tests inject one). */
  now?: () => Date;
  /** Seconds a verification lasts, default 12 hours. */
  sessionMaxAge?: number;
  /**
   * Seconds this instance may act on what another instance changed before it sees
   * the change, default 5, at most 60: a policy change, a reset, a factor removed or
   * replaced, recovery codes regenerated, a session ended. This instance's own
   * changes count here at once.
   */
  policyCacheTtl?: number;
  /** Origins allowed to call state-changing endpoints besides the request's own. */
  allowedOrigins?: readonly string[];
  /** Milliseconds a store call or hook may take before the request is answered 503, default 5000. */
  timeoutMs?: number;
  /** Passkeys and security keys (WebAuthn). */
  webauthn?: WebAuthnOptions;
  /**
   * The name of the remembered-device cookie, default `mfa_device`. HttpOnly, SameSite=Lax,
   * Path=/, Secure over https; its value is a random token whose keyed hash the store keeps.
   */
  deviceCookie?: string;
}

/**
 * Where WebAuthn credentials are scoped and from where they may be used. Configuration,
 * never taken from a request: outside development on `localhost`, `127.0.0.1` and `::1`
 * (where the request's own host serves), passkeys need `rpId` or `origin`, else their
 * routes answer 409 `webauthn_not_configured`.
 */
export interface WebAuthnOptions {
  /**
   * The relying party id: the domain credentials belong to (`portal.example` also serves
   * `app.portal.example`). Default: the host name of `origin`.
   */
  rpId?: string;
  /** The name authenticators show beside the credential. Default: `issuer`. */
  rpName?: string;
  /** The portal's origin (`https://portal.example`): the default of `rpId` and `origins`. */
  origin?: string;
  /**
   * The origins a ceremony may run on. Default: `origin`, else `https://<rpId>`, and
   * `allowedOrigins`.
   */
  origins?: readonly string[];
}
