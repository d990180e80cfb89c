/**
 * Webhooks carry the audit trail to the host's other systems, so a receiver must be able to
 * tell a post of ours from a forged one: each is signed per Standard Webhooks and verified here
 * by the `standardwebhooks` package itself, over real HTTP. A post that fails throws, so the
 * delivery loop tries it again rather than losing the event.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { MfaConfigError } from '../../src/errors.ts';
import { WebhookDeliveryError, webhookSubscriber } from '../../src/events/webhooks.ts';
import type { AuditEvent } from '../../src/model.ts';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const event: AuditEvent = {
  id: 'evt_42',
  type: 'webauthn.registered',
  actorId: 'ada',
  userId: 'ada',
  accountId: null,
  before: null,
  after: { credentialId: 'cred-1', name: 'YubiKey', firstFactor: false },
  at: new Date('2026-12-01T10:00:00.000Z'),
};

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server | undefined;

/** A receiver on 127.0.0.1 that answers `status` (or nothing, for `'hang'`) and keeps what it got. */
async function receiver(status: number | 'hang' = 204): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (status === 'hang') return;
      res.writeHead(status, status >= 300 && status < 400 ? { location: '/elsewhere' } : {}).end('ok');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/mfa?token=t0p`, received };
}

/** The three Standard Webhooks headers of a received post. */
function signatureHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return {
    'webhook-id': String(headers['webhook-id']),
    'webhook-timestamp': String(headers['webhook-timestamp']),
    'webhook-signature': String(headers['webhook-signature']),
  };
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe('webhookSubscriber', () => {
  it('posts the event as JSON that the receiver verifies with standardwebhooks', async () => {
    const { url, received } = await receiver();
    const secret = newSecret();
    const subscriber = webhookSubscriber({ url, secret });
    expect(subscriber.name).toBe(`webhook:${url}`);

    await subscriber.deliver(event);

    expect(received).toHaveLength(1);
    const [post] = received as [Received];
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers['webhook-id']).toBe('evt_42');
    const timestamp = Number(post.headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(post.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(secret).verify(post.body, signatureHeaders(post.headers));
    expect(verified).toEqual({
      id: 'evt_42',
      type: 'webauthn.registered',
      actorId: 'ada',
      userId: 'ada',
      accountId: null,
      before: null,
      after: { credentialId: 'cred-1', name: 'YubiKey', firstFactor: false },
      at: '2026-12-01T10:00:00.000Z',
    });
  });

  it('is refused by a receiver with another secret, and when the body was altered', async () => {
    const { url, received } = await receiver();
    await webhookSubscriber({ url, secret: newSecret() }).deliver(event);
    const [post] = received as [Received];
    expect(() => new Webhook(newSecret()).verify(post.body, signatureHeaders(post.headers))).toThrow(
      WebhookVerificationError,
    );
    const secret = newSecret();
    await webhookSubscriber({ url, secret }).deliver(event);
    const second = received[1] as Received;
    const forged = second.body.replace('"ada"', '"eve"');
    expect(() => new Webhook(secret).verify(forged, signatureHeaders(second.headers))).toThrow(
      WebhookVerificationError,
    );
  });

  it('signs each attempt anew: a retry carries the same id and a fresh timestamp', async () => {
    const { url, received } = await receiver();
    const secret = newSecret();
    let clock = new Date();
    const subscriber = webhookSubscriber({ url, secret, now: () => clock });
    await subscriber.deliver(event);
    clock = new Date(clock.getTime() + 120_000);
    await subscriber.deliver(event);
    const [first, retry] = received as [Received, Received];
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(Number(retry.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp'])).toBe(120);
    expect(retry.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
  });

  it('throws on an answer other than 2xx, so the loop tries again', async () => {
    const { url } = await receiver(500);
    const subscriber = webhookSubscriber({ url, secret: newSecret() });
    const error = await subscriber.deliver(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).status).toBe(500);
    // The error names the endpoint without its query, which may hold a token.
    expect((error as Error).message).not.toContain('t0p');
  });

  it('does not follow a redirect: a 3xx answer fails too', async () => {
    const { url, received } = await receiver(307);
    const error = await webhookSubscriber({ url, secret: newSecret() })
      .deliver(event)
      .catch((e: unknown) => e);
    expect((error as WebhookDeliveryError).status).toBe(307);
    expect(received).toHaveLength(1);
  });

  it('throws when nobody listens', async () => {
    const { url } = await receiver();
    await new Promise((resolve) => server?.close(resolve));
    const error = await webhookSubscriber({ url, secret: newSecret() })
      .deliver(event)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).status).toBeNull();
  });

  it('gives up on a receiver that does not answer within timeoutMs', async () => {
    const { url } = await receiver('hang');
    const started = Date.now();
    const error = await webhookSubscriber({ url, secret: newSecret(), timeoutMs: 200 })
      .deliver(event)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as Error).message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('wants only the event types it lists, every type without a list', () => {
    const secret = newSecret();
    const some = webhookSubscriber({ url: 'https://hooks.example/', secret, events: ['mfa.reset'] });
    expect(some.wants?.({ ...event, type: 'mfa.reset' })).toBe(true);
    expect(some.wants?.(event)).toBe(false);
    expect(webhookSubscriber({ url: 'https://hooks.example/', secret }).wants).toBeUndefined();
  });

  it('posts through the fetch it is given', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const fetch = async (url: string | URL | Request, init?: RequestInit) => {
      calls.push({ url: String(url), init });
      return new Response(null, { status: 200 });
    };
    await webhookSubscriber({ url: 'https://hooks.example/mfa', secret: newSecret(), fetch }).deliver(event);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://hooks.example/mfa');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(calls[0]?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('refuses a misconfiguration when it is created', () => {
    const url = 'https://hooks.example/mfa';
    const bad: unknown[] = [
      { url, secret: randomBytes(32).toString('base64') }, // no whsec_ prefix
      { url, secret: 'whsec_not base64!' },
      { url, secret: `whsec_${randomBytes(8).toString('base64')}` }, // too short
      { url, secret: `whsec_${randomBytes(100).toString('base64')}` }, // too long
      { url: 'not a url', secret: newSecret() },
      { url: 'ftp://hooks.example/', secret: newSecret() },
      { url, secret: newSecret(), events: ['mfa.exploded'] },
      { url, secret: newSecret(), events: [] },
      { url, secret: newSecret(), timeoutMs: 0 },
    ];
    for (const options of bad) {
      expect(() => webhookSubscriber(options as never), JSON.stringify(options)).toThrow(MfaConfigError);
    }
    expect(() => webhookSubscriber({ url, secret: 'whsec_x' })).toThrow(/whsec_.*24 to 64 random bytes/);
  });
});
