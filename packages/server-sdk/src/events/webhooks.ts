import { Webhook } from 'standardwebhooks';
import { MfaConfigError } from '../errors.ts';
import { type AuditEvent, type AuditEventType, auditEventTypes } from '../model.ts';
import type { Subscriber } from './subscriber.ts';

/** One endpoint the audit trail's events are posted to (`webhooks: [...]` in `createMfa`). */
export interface WebhookEndpoint {
  /** Where events are posted: an `https:` (or `http:`) URL. */
  url: string;
  /**
   * The signing secret in the Standard Webhooks form: `whsec_` and 24 to 64 random bytes in
   * base64. The receiver verifies with the same string.
   */
  secret: string;
  /** The event types to post (every type when absent). */
  events?: readonly AuditEventType[];
}

export interface WebhookSubscriberOptions extends WebhookEndpoint {
  /** The `fetch` to post with (default: the global one). */
  fetch?: typeof fetch;
  /** Milliseconds an attempt may take before it counts as failed, default 10 000. */
  timeoutMs?: number;
  /**
   * The clock of `webhook-timestamp` (default: the system's). Receivers refuse a timestamp
   * more than 5 minutes from theirs, so this is the real time, not a test's fixed clock.
   */
  now?: () => Date;
}

/** The JSON body of a webhook: the audit event, its time as an ISO 8601 string. */
export interface WebhookPayload {
  id: string;
  type: AuditEventType;
  actorId: string | null;
  userId: string | null;
  accountId: string | null;
  before: unknown;
  after: unknown;
  at: string;
}

/** A post that did not succeed: the endpoint answered other than 2xx, or could not be reached. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  constructor(
    message: string,
    /** The HTTP status the endpoint answered, or `null` when there was no answer. */
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The number of bytes a base64 string holds (it matched `BASE64`). */
function base64Bytes(text: string): number {
  return (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
}

/** Throws `MfaConfigError` unless `secret` is a Standard Webhooks secret (`whsec_` + 24–64 bytes, base64). */
function checkSecret(secret: unknown): asserts secret is string {
  const fail = (why: string) =>
    new MfaConfigError(
      `webhooks: \`secret\` ${why}. Give the Standard Webhooks form: "whsec_" followed by 24 to 64 random bytes in base64.`,
    );
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX))
    throw fail('does not begin with "whsec_"');
  const key = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(key)) throw fail('is not base64 after "whsec_"');
  const bytes = base64Bytes(key);
  if (bytes < 24 || bytes > 64) throw fail(`holds ${bytes} bytes`);
}

/** The endpoint as a URL, or `MfaConfigError`. Credentials in it would be sent to whoever it redirects to. */
function checkUrl(url: unknown): URL {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new MfaConfigError('webhooks: `url` is not a URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new MfaConfigError('webhooks: `url` must be an https: (or http:) URL.');
  }
  return parsed;
}

function checkEvents(events: unknown): ReadonlySet<AuditEventType> | null {
  if (events === undefined) return null;
  const known = new Set<string>(auditEventTypes);
  if (!Array.isArray(events) || events.length === 0 || events.some((e) => !known.has(e))) {
    throw new MfaConfigError(
      `webhooks: \`events\` lists audit event types (${auditEventTypes.join(', ')}); leave it out for every event.`,
    );
  }
  return new Set(events as AuditEventType[]);
}

/** The body a webhook posts for `event`. */
export function webhookPayload(event: AuditEvent): WebhookPayload {
  const { id, type, actorId, userId, accountId, before, after, at } = event;
  return { id, type, actorId, userId, accountId, before, after, at: at.toISOString() };
}

/**
 * A subscriber that posts each audit event as JSON to `url`, signed per the Standard Webhooks
 * specification: `webhook-id` is the event's id (receivers dedupe on it), `webhook-timestamp`
 * the time of this attempt, `webhook-signature` its HMAC-SHA256 (`v1,…`) under `secret`.
 * An answer other than 2xx (a redirect included), a network error or no answer within
 * `timeoutMs` throws, so the delivery loop tries the event again later.
 *
 * The options are checked here: a bad `url`, `secret` or `events` throws `MfaConfigError`.
 *
 * @param options.url the endpoint
 * @param options.secret `whsec_…`, 24 to 64 bytes in base64
 * @param options.events the event types to post (default: all)
 * @param options.timeoutMs default 10 000
 * @example
 * const subscriber = webhookSubscriber({
 *   url: 'https://hooks.example/mfa',
 *   secret: process.env.MFA_WEBHOOK_SECRET,
 *   events: ['mfa.reset', 'policy.updated'],
 * });
 * // the receiver: new Webhook(secret).verify(rawBody, headers)
 */
export function webhookSubscriber(options: WebhookSubscriberOptions): Subscriber {
  if (!options || typeof options !== 'object')
    throw new MfaConfigError('webhooks: an endpoint is `{ url, secret }`.');
  const url = checkUrl(options.url);
  checkSecret(options.secret);
  const events = checkEvents(options.events);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new MfaConfigError('webhooks: `timeoutMs` is a whole number of milliseconds above 0.');
  }
  const signer = new Webhook(options.secret);
  const post = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? (() => new Date());
  const endpoint = url.href;
  // Where an error names the endpoint: no credentials, query or fragment (they may hold a token).
  const shown = `${url.origin}${url.pathname}`;

  const subscriber: Subscriber = {
    name: `webhook:${endpoint}`,
    async deliver(event) {
      const body = JSON.stringify(webhookPayload(event));
      const timestamp = now();
      const headers = {
        'content-type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signer.sign(event.id, timestamp, body),
      };
      let response: Response;
      try {
        response = await post(endpoint, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new WebhookDeliveryError(`webhook ${shown}: no answer (${describe(error)})`, null, {
          cause: error,
        });
      }
      // The answer's body is not read; cancelling it frees the connection.
      await response.body?.cancel().catch(() => {});
      if (response.status < 200 || response.status > 299) {
        throw new WebhookDeliveryError(`webhook ${shown}: answered ${response.status}`, response.status);
      }
    },
  };
  if (events) subscriber.wants = (event) => events.has(event.type);
  return subscriber;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'timed out' : error.message;
  return String(error);
}
