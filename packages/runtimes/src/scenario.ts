/**
 * One scenario of the server SDK, run the same on every runtime (Node, Bun, Deno,
 * workerd): the SDK mounted in a Hono app and driven through `app.fetch`, codes
 * from a TOTP implementation of its own (RFC 6238 on WebCrypto, not otplib).
 * Standard APIs only: `Request`, `Response`, `crypto.subtle`.
 *
 * Steps: an administrator enrolls and sets "Required for all users" with no grace;
 * a member is refused by the guard (`enrollment_required`), enrolls, passes; a new
 * session is refused (`challenge_required`), verifies with a code and passes; the
 * same code in a third session is refused as a replay; the member adds a passkey
 * (a software authenticator with real keys) and a fourth session verifies with it.
 */
import { createMfa, type MfaStore, type Principal } from '@mfakit/server-sdk';
import { Hono } from 'hono';
// The software authenticator of the SDK's WebAuthn tests: real keys from node:crypto, no mock.
import { softwareAuthenticator } from '../../server-sdk/test/webauthn/authenticator.ts';

/** What a run answers: each step that held, in order, or the first that did not. */
export interface ScenarioReport {
  store: string;
  passed: string[];
  failed?: string;
}

const ACCOUNT = 'acme';
const members = {
  ada: { displayName: 'Ada Lovelace', role: 'admin' },
  bob: { displayName: 'Bob Smith', role: 'member' },
} as const;
type UserId = keyof typeof members;

/** The fields of the SDK's answers that the scenario reads. */
interface Answer {
  options?: never;
  method?: string;
  secret?: string;
  mode?: string;
  verified?: boolean;
  orders?: string[];
  error?: { code: string };
}

// ── RFC 6238, independently of the SDK ─────────────────────────────────────────

function base32Bytes(text: string): Uint8Array<ArrayBuffer> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** The 6-digit code of `secret` (base32) at `epochMs`: HMAC-SHA-1 over the 30-second step, RFC 4226 truncation. */
export async function totpCode(secret: string, epochMs: number): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    base32Bytes(secret),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const counter = new DataView(new ArrayBuffer(8));
  counter.setBigUint64(0, BigInt(Math.floor(epochMs / 30_000)));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, counter.buffer));
  const offset = (mac[19] as number) & 0xf;
  const binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

// ── the host ───────────────────────────────────────────────────────────────────

/** The host the scenario drives: the SDK under `/mfa`, its guard in front of the account's orders. */
export function scenarioHost(
  store: MfaStore,
  clock: { now: number },
  eventDelivery: 'background' | 'manual' = 'background',
) {
  /** The types of the events `onEvent` was given, in order. */
  const events: string[] = [];
  const mfa = createMfa({
    store,
    onEvent: (event) => {
      events.push(event.type);
    },
    eventDelivery,
    // Reminders as a host's cron sends them (`POST /__reminders`), on every runtime.
    reminders: 'manual',
    secret: 'a-runtime-scenario-secret-of-at-least-32-bytes',
    issuer: 'Runtimes',
    now: () => new Date(clock.now),
    authenticate: (c): Principal | null => {
      const userId = c.req.header('x-user');
      const sessionId = c.req.header('x-session');
      return userId && sessionId ? { userId, sessionId, authMethod: 'password' } : null;
    },
    getMembership: (userId, accountId) => {
      const member = members[userId as UserId];
      return accountId === ACCOUNT && member ? { role: member.role, accountName: 'Acme' } : null;
    },
    listMemberships: (userId) => {
      const member = members[userId as UserId];
      return member ? [{ accountId: ACCOUNT, accountName: 'Acme', role: member.role }] : [];
    },
    listMembers: (accountId) =>
      accountId === ACCOUNT
        ? Object.entries(members).map(([userId, m]) => ({
            userId,
            displayName: m.displayName,
            email: `${userId}@example.com`,
            role: m.role,
          }))
        : [],
  });
  const app = new Hono();
  app.route('/mfa', mfa.app);
  app.use('/accounts/:accountId/*', mfa.guard());
  app.get('/accounts/:accountId/orders', (c) => c.json({ orders: ['PO-1042'] }));
  // What a cron trigger does on a Worker: a delivery pass; answers what `onEvent` was given.
  app.post('/__events', async (c) => {
    await mfa.deliverEvents();
    return c.json({ events });
  });
  // What a scheduled handler does for the rollout: the reminders due now.
  app.post('/__reminders', async (c) => c.json(await mfa.sendDueReminders()));
  return { app, mfa };
}

// ── the scenario ───────────────────────────────────────────────────────────────

/** The scenario's first moment: the hosts' clocks start there. */
export const SCENARIO_START = Date.parse('2026-12-01T10:00:00Z');

/** What the scenario drives: a host's `fetch`, and its clock. */
export interface ScenarioTarget {
  fetch(request: Request): Promise<Response>;
  /** The host's time now (epoch ms). */
  now(): number;
  /** Moves the host's clock on. */
  advance(ms: number): Promise<void>;
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

/** The scenario on `store`, in a host of this process, driven through its `app.fetch`. */
export async function runScenario(label: string, store: MfaStore): Promise<ScenarioReport> {
  const clock = { now: SCENARIO_START };
  const { app, mfa } = scenarioHost(store, clock);
  return driveScenario(label, {
    fetch: async (request) => app.fetch(request),
    now: () => clock.now,
    advance: async (ms) => {
      clock.now += ms;
    },
    ready: () => mfa.ready(),
    close: () => mfa.close(),
  });
}

/** The scenario's steps, through `target` (a host in this process, or one across a network). */
export async function driveScenario(label: string, target: ScenarioTarget): Promise<ScenarioReport> {
  const passed: string[] = [];
  const call = async (user: UserId, session: string, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { 'x-user': user, 'x-session': session };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await target.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Answer };
  };
  const step = async (name: string, check: () => Promise<boolean>) => {
    if (!(await check())) throw new Error(name);
    passed.push(name);
  };
  const enroll = async (user: UserId, session: string) => {
    const setup = await call(user, session, 'POST', '/mfa/me/totp/setup');
    const secret = setup.body.secret as string;
    const confirmed = await call(user, session, 'POST', '/mfa/me/totp/confirm', {
      code: await totpCode(secret, target.now()),
    });
    return { secret, ok: setup.status === 200 && confirmed.status === 200 };
  };

  try {
    await target.ready?.();
    await step('the administrator enrolls with an authenticator app, and verifies with it', async () => {
      const ada = await enroll('ada', 'a1');
      // The new app's own code is no step-up: the session verifies with it before the policy.
      await target.advance(30_000);
      const verified = await call('ada', 'a1', 'POST', '/mfa/challenge', {
        code: await totpCode(ada.secret, target.now()),
      });
      return ada.ok && verified.status === 200;
    });
    await step('the policy becomes "Required for all users", no grace', async () => {
      const put = await call('ada', 'a1', 'PUT', `/mfa/accounts/${ACCOUNT}/policy`, {
        mode: 'required_all',
        gracePeriodDays: 0,
      });
      return put.status === 200 && put.body.mode === 'required_all';
    });
    await step('a scheduled pass reminds the member without MFA, once', async () => {
      const remind = async () => {
        const response = await target.fetch(new Request('http://localhost/__reminders', { method: 'POST' }));
        return response.status === 200 ? ((await response.json()) as { sent: number }).sent : -1;
      };
      return (await remind()) === 1 && (await remind()) === 0;
    });
    await step('the guard refuses a member without MFA: enrollment_required', async () => {
      const denied = await call('bob', 'b1', 'GET', `/accounts/${ACCOUNT}/orders`);
      return denied.status === 403 && denied.body.error?.code === 'enrollment_required';
    });
    await target.advance(30_000);
    const bob = await enroll('bob', 'b1');
    await step('the member enrolls; the guard lets the session in', async () => {
      const orders = await call('bob', 'b1', 'GET', `/accounts/${ACCOUNT}/orders`);
      return bob.ok && orders.status === 200 && orders.body.orders?.[0] === 'PO-1042';
    });
    await step('a new session is asked for a code: challenge_required', async () => {
      const denied = await call('bob', 'b2', 'GET', `/accounts/${ACCOUNT}/orders`);
      return denied.status === 403 && denied.body.error?.code === 'challenge_required';
    });
    await target.advance(30_000);
    const code = await totpCode(bob.secret, target.now());
    await step('a code verifies the session; the guard lets it in', async () => {
      const verified = await call('bob', 'b2', 'POST', '/mfa/challenge', { code });
      const orders = await call('bob', 'b2', 'GET', `/accounts/${ACCOUNT}/orders`);
      return verified.status === 200 && verified.body.verified === true && orders.status === 200;
    });
    await step('the same code again, in another session, is refused', async () => {
      const replayed = await call('bob', 'b3', 'POST', '/mfa/challenge', { code });
      const orders = await call('bob', 'b3', 'GET', `/accounts/${ACCOUNT}/orders`);
      return replayed.status === 400 && replayed.body.error?.code === 'invalid_code' && orders.status === 403;
    });
    const passkey = softwareAuthenticator({ algorithm: 'ES256' });
    const origin = 'http://localhost';
    await step('the member adds a passkey', async () => {
      const begun = await call('bob', 'b2', 'POST', '/mfa/me/webauthn/registration');
      const response = passkey.register(begun.body.options as never, { origin });
      const added = await call('bob', 'b2', 'POST', '/mfa/me/webauthn/credentials', {
        response,
        name: 'Key',
      });
      return begun.status === 200 && added.status === 200;
    });
    await step('a new session verifies with the passkey; the guard lets it in', async () => {
      const begun = await call('bob', 'b4', 'POST', '/mfa/challenge/webauthn');
      const webauthn = passkey.authenticate(begun.body.options as never, { origin });
      const verified = await call('bob', 'b4', 'POST', '/mfa/challenge', { webauthn });
      const orders = await call('bob', 'b4', 'GET', `/accounts/${ACCOUNT}/orders`);
      return verified.status === 200 && verified.body.method === 'webauthn' && orders.status === 200;
    });
    await step('every change reached onEvent, in order, through a delivery pass', async () => {
      const response = await target.fetch(new Request('http://localhost/__events', { method: 'POST' }));
      const { events } = (await response.json()) as { events: string[] };
      // The changes, without the refused replay's own events.
      const changes = events.filter((type) => !type.startsWith('challenge.'));
      const expected = [
        'mfa.enrolled',
        'policy.updated',
        'reminder.sent',
        'mfa.enrolled',
        'webauthn.registered',
      ];
      return response.status === 200 && JSON.stringify(changes) === JSON.stringify(expected);
    });
    return { store: label, passed };
  } catch (error) {
    return { store: label, passed, failed: error instanceof Error ? error.message : String(error) };
  } finally {
    await target.close?.();
  }
}
