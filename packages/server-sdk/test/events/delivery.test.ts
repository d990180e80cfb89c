/**
 * The delivery loop: every event the audit trail holds reaches each subscriber at least once,
 * in order, beside the requests. A receiver that is down for minutes gets every event once it
 * is back (tried again with growing waits meanwhile, its backlog visible); a subscriber that
 * hangs slows no request.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { retryWaitMs } from '../../src/events/delivery.ts';
import { createHarness, type Harness } from '../support.ts';

let server: Server | undefined;
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.mfa.close()));
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A receiver on 127.0.0.1 that answers 503 while `down`, else 204, and keeps what it accepted. */
async function receiver() {
  const state = {
    down: true,
    refused: 0,
    accepted: [] as { headers: Record<string, string>; body: string }[],
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (state.down) {
        state.refused++;
        res.writeHead(503).end();
        return;
      }
      const headers = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [
          name,
          String(req.headers[name]),
        ]),
      );
      state.accepted.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, state };
}

describe('webhooks through the delivery loop', () => {
  it('a receiver down for minutes gets every event, signed and in order, once it is back', async () => {
    const { url, state } = await receiver();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const h = createHarness({ webhooks: [{ url, secret }], onError: () => {} });
    open.push(h);
    await h.enroll('max');
    await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' });
    const hook = async () => (await h.mfa.deliveryStatus()).find((s) => s.subscriber.startsWith('webhook:'));
    const status = await hook();
    expect(status).toMatchObject({ subscriber: `webhook:${url}`, lastId: null });
    const first = status?.failures ?? 0;
    expect(first).toBeGreaterThanOrEqual(1);
    // Not tried again before its wait is over.
    await h.mfa.deliverEvents();
    expect((await hook())?.failures).toBe(first);
    expect(status?.backlog).toBeGreaterThanOrEqual(2);
    // Down for minutes: each try waits longer than the one before, and none is skipped.
    for (let failures = first; failures < first + 6; failures++) {
      h.advance(retryWaitMs(failures) / 1000);
      await h.mfa.deliverEvents();
      expect((await hook())?.failures).toBe(failures + 1);
    }
    expect(state.refused).toBe(first + 6);
    // Back: the next try gives it everything that waited.
    state.down = false;
    h.advance(retryWaitMs(first + 6) / 1000);
    await h.mfa.deliverEvents();
    const events = h.events;
    expect(state.accepted.map((post) => post.headers['webhook-id'])).toEqual(events.map((e) => e.id));
    const webhook = new Webhook(secret.slice('whsec_'.length));
    for (const post of state.accepted) {
      const verified = webhook.verify(post.body, post.headers) as { id: string; type: string };
      expect(verified.id).toBe(post.headers['webhook-id']);
    }
    expect(await hook()).toMatchObject({ failures: 0, retryAt: null, backlog: 0 });
  });
});

describe('onEvent', () => {
  it('that throws is given the same event again later, and the ones after it in order', async () => {
    const given: string[] = [];
    let failing = true;
    const h = createHarness({
      onEvent: (event) => {
        if (failing) throw new Error('the host is busy');
        given.push(event.id);
      },
      onError: () => {},
    });
    open.push(h);
    await h.enroll('max');
    await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' });
    expect(given).toEqual([]);
    failing = false;
    h.advance(60);
    await h.mfa.deliverEvents();
    const stored = await h.store.listEventsAfter(null, 100);
    expect(given).toEqual(stored.map((event) => event.id));
  });

  it('that hangs slows no request: the requests answer, the events wait in the store', async () => {
    const h = createHarness({ onEvent: () => new Promise<void>(() => {}), onError: () => {} });
    open.push(h);
    const started = Date.now();
    // Straight to the host (the harness's own requests wait for a delivery pass).
    const setup = await h.host.request('http://portal.test/mfa/me/totp/setup', {
      method: 'POST',
      headers: { 'x-test-user': 'max' },
    });
    expect(setup.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const res = await h.host.request('http://portal.test/mfa/me', { headers: { 'x-test-user': 'max' } });
      expect(res.status).toBe(200);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('notify', () => {
  it('sends security notifications through the loop, to the user in their language and to the admins', async () => {
    const sent: import('../../src/index.ts').NotificationMessage[] = [];
    const h = createHarness({
      notify: (message) => {
        sent.push(message);
      },
      profileUrl: 'https://portal.test/profile',
      notifications: { userLocale: (userId) => (userId === 'max' ? 'de' : null) },
    });
    open.push(h);
    await h.enroll('max');
    const added = sent.find((m) => m.kind === 'factor_added');
    expect(added).toMatchObject({ to: { userId: 'max' }, locale: 'de' });
    expect(added?.to.email).toContain('@');
    expect(added?.text).toContain('https://portal.test/profile');
    // An administrator resets max: he hears of it, and the account's administrators do.
    await h.enroll('ada');
    const reset = await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(h.events.map((e) => e.type)).toContain('mfa.reset');
    expect(sent.map((m) => m.kind)).toContain('mfa_reset');
    expect(sent.filter((m) => m.kind === 'mfa_reset').map((m) => m.to.userId)).toEqual(['max']);
    expect(sent.filter((m) => m.kind === 'member_reset').map((m) => m.to.userId)).toContain('ada');
    // Each once: a pass that finds nothing new sends nothing again.
    const count = sent.length;
    await h.mfa.deliverEvents();
    expect(sent).toHaveLength(count);
  });
});
