import type { Hono, MiddlewareHandler } from 'hono';
import { evaluate } from './access/evaluate.ts';
import { endSession } from './access/sessions.ts';
import { checkStepUp } from './access/step-up.ts';
import { resetUser } from './admin/reset-user.ts';
import { type KeyRotationReport, rotateKeys } from './admin/rotate-keys.ts';
import { MfaContext } from './core/context.ts';
import { MfaConfigError, MfaError } from './errors.ts';
import { type DeliveryStatus, EventDelivery } from './events/delivery.ts';
import { memberDirectory } from './events/notifications/directory.ts';
import { notificationSubscriber } from './events/notifications/subscriber.ts';
import type { Subscriber } from './events/subscriber.ts';
import { webhookSubscriber } from './events/webhooks.ts';
import { configuredRelyingParty } from './factors/webauthn/ceremony.ts';
import { createApp } from './http/app.ts';
import { createGuard, type GuardOptions } from './http/guard.ts';
import type { AccessDecision, Principal } from './model.ts';
import type { MfaOptions } from './options.ts';
import { reminderLoop } from './rollout/reminder-loop.ts';
import { type RemindersSent, type SendRemindersOptions, sendDueReminders } from './rollout/reminders.ts';
import { missingStoreMethods } from './store/store.ts';

export interface Mfa {
  /** The HTTP API as a Hono app: `hostApp.route('/mfa', mfa.app)`. */
  app: Hono;
  /**
   * Middleware that lets a request into an account only when the access decision allows it;
   * with `stepUp` (seconds), only after a verification that recent: `mfa.guard({ stepUp: 300 })`.
   * Options are checked here: a bad one throws `MfaConfigError` at start-up.
   */
  guard: (options?: GuardOptions) => MiddlewareHandler;
  /**
   * The access decision, for hosts that are not Hono apps. Never throws for what happens
   * at run time: no principal (nobody signed in) is `unauthenticated`, a store or hook
   * failure `unavailable`. An invalid `stepUp` is a programming error: it rejects with
   * `MfaConfigError`. `denialError(decision)` renders a denial as the guard would.
   */
  evaluate: (input: {
    principal: Principal | null | undefined;
    accountId: string;
    /** The remembered-device cookie's value (named by `deviceCookie`), if the request has one. */
    deviceToken?: string | null | undefined;
    /**
     * Step-up, as `mfa.guard({ stepUp })`: seconds (1 to 86,400) within which the session
     * must have verified; otherwise `step_up_required` (with `maxAgeSeconds` and `accepts`)
     * or `mfa_required_for_action`.
     */
    stepUp?: number | undefined;
  }) => Promise<AccessDecision>;
  /**
   * The host's sign-out: the session is no longer verified, on this instance at once
   * and on others within `policyCacheTtl`.
   */
  endSession: (userId: string, sessionId: string) => Promise<void>;
  /** Removes a user's MFA for the host's support staff; the user gets no new grace period. */
  resetUser: (userId: string) => Promise<void>;
  /**
   * Resolves once the store is ready: migrations applied, and the configured `secret`
   * proved to be the one the store was written with (else `MfaConfigError`). Requests
   * wait for it anyway, and answer 503 `unavailable` while it fails.
   */
  ready: () => Promise<void>;
  /**
   * After a new key was put first in `secret`: re-seals every factor secret still
   * sealed under an older key, and reports whether anything still needs one (recovery
   * codes hashed under it). Safe to run while serving, from any instance, and again.
   */
  rotateKeys: () => Promise<KeyRotationReport>;
  /**
   * One delivery pass: every event stored and not yet given to a subscriber (`onEvent`) is
   * given now, where this instance holds the subscriber's lease. Instances with a process
   * of their own run passes by themselves; a Worker calls this from its cron.
   */
  deliverEvents: () => Promise<void>;
  /** Each subscriber's progress: the last event given, how many wait, its failures. */
  deliveryStatus: () => Promise<DeliveryStatus[]>;
  /**
   * Reminds the members without MFA whose reminder is due (a requiring policy's announcement,
   * seven days and one day before their deadline, overdue), each once across instances;
   * bounded work a call (`more`: call again). What a host's scheduler calls with
   * `reminders: 'manual'` (a cron, a Worker's scheduled handler); safe to call any time.
   */
  sendDueReminders: (options?: SendRemindersOptions) => Promise<RemindersSent>;
  /** Stops the delivery loop and closes the store. */
  close: () => Promise<void>;
}

/** The subscribers the options name, each with its hooks under the deadline. */
function subscribersOf(ctx: MfaContext, options: MfaOptions): Subscriber[] {
  const subscribers: Subscriber[] = [];
  const { onEvent, webhooks, notify } = options;
  if (onEvent) subscribers.push({ name: 'onEvent', deliver: async (event) => void (await onEvent(event)) });
  const urls = new Set<string>();
  for (const endpoint of webhooks ?? []) {
    const subscriber = webhookSubscriber(endpoint);
    // Progress is kept by name: two endpoints of one URL would share it.
    if (urls.has(subscriber.name)) {
      throw new MfaConfigError(`createMfa: \`webhooks\` names ${endpoint.url} twice.`);
    }
    urls.add(subscriber.name);
    subscribers.push(subscriber);
  }
  if (notify) {
    const { notifications = {} } = options;
    const hook =
      <A extends unknown[], R>(name: string, f: (...args: A) => R | Promise<R>) =>
      (...args: A) =>
        ctx.run(() => f(...args), name) as Promise<R>;
    const directory = memberDirectory({
      listMemberships: hook('listMemberships', options.listMemberships),
      listMembers: hook('listMembers', options.listMembers),
      ...(notifications.userLocale
        ? { locale: hook('notifications.userLocale', notifications.userLocale) }
        : {}),
    });
    subscribers.push(
      notificationSubscriber({
        notify,
        ...directory,
        ...(notifications.recipient
          ? { recipient: hook('notifications.recipient', notifications.recipient) }
          : {}),
        ...(options.profileUrl === undefined ? {} : { profileUrl: options.profileUrl }),
        ...(notifications.strings ? { strings: notifications.strings } : {}),
        ...(notifications.locale ? { locale: notifications.locale } : {}),
      }),
    );
  }
  return subscribers;
}

/** What lies under an `unavailable`: the store's or hook's own error. */
function causeOf(error: unknown): unknown {
  return error instanceof MfaError && error.code === 'unavailable' && error.cause !== undefined
    ? error.cause
    : error;
}

/** A principal as `authenticate` answers it; anything else (null, a bare object) is nobody. */
function isPrincipal(value: unknown): value is Principal {
  const p = value as Partial<Principal> | null | undefined;
  return typeof p?.userId === 'string' && p.userId !== '' && typeof p.sessionId === 'string';
}

const requiredHooks = ['authenticate', 'getMembership', 'listMemberships', 'listMembers'] as const;

function validate(options: MfaOptions): void {
  if (!options || typeof options !== 'object') throw new MfaConfigError('createMfa: options are required.');
  if (!options.store || typeof options.store.getPolicy !== 'function') {
    throw new MfaConfigError(
      'createMfa: `store` is required (sqliteStore(), postgresStore() or memoryStore()).',
    );
  }
  // A host's own store written against an older interface: say what to add, by capability.
  const missing = Object.entries(missingStoreMethods(options.store));
  if (missing.length > 0) {
    const list = missing.map(([capability, methods]) => `${capability}: ${methods.join(', ')}`).join('; ');
    throw new MfaConfigError(`createMfa: the store lacks methods (${list}). See MfaStore in the docs.`);
  }
  if (typeof options.issuer !== 'string' || options.issuer.trim() === '') {
    throw new MfaConfigError('createMfa: `issuer` is required: the name authenticator apps show.');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw new MfaConfigError('createMfa: `onError` must be a function.');
  for (const hook of requiredHooks) {
    if (typeof options[hook] !== 'function')
      throw new MfaConfigError(`createMfa: \`${hook}\` must be a function.`);
  }
  for (const [name, value, min, max] of [
    ['sessionMaxAge', options.sessionMaxAge, 60, 366 * 86_400],
    ['policyCacheTtl', options.policyCacheTtl, 0, 60],
    ['timeoutMs', options.timeoutMs, 1, 600_000],
    ['nudgeSnoozeDays', options.nudgeSnoozeDays, 1, 90],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= min && value <= max)) {
      throw new MfaConfigError(`createMfa: \`${name}\` must be a number from ${min} to ${max}.`);
    }
  }
  for (const name of ['eventDelivery', 'reminders'] as const) {
    const value = options[name];
    if (value !== undefined && !['background', 'manual'].includes(value)) {
      throw new MfaConfigError(`createMfa: \`${name}\` is 'background' or 'manual'.`);
    }
  }
  const webauthn = options.webauthn;
  if (webauthn !== undefined) {
    if (typeof webauthn !== 'object' || webauthn === null)
      throw new MfaConfigError('createMfa: `webauthn` must be an object.');
    if (webauthn.rpId !== undefined && !/^[a-z0-9.-]+$/i.test(webauthn.rpId)) {
      throw new MfaConfigError('createMfa: `webauthn.rpId` must be a domain like portal.example.');
    }
    if (
      webauthn.rpName !== undefined &&
      (typeof webauthn.rpName !== 'string' || webauthn.rpName.trim() === '')
    ) {
      throw new MfaConfigError('createMfa: `webauthn.rpName` must be a name.');
    }
  }
  if (
    options.deviceCookie !== undefined &&
    (typeof options.deviceCookie !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(options.deviceCookie))
  ) {
    throw new MfaConfigError(
      'createMfa: `deviceCookie` must be a cookie name of letters, digits, `_`, `.` and `-` (at most 64).',
    );
  }
  const webauthnOrigins = [
    ...(webauthn?.origins ?? []),
    ...(webauthn?.origin === undefined ? [] : [webauthn.origin]),
  ];
  for (const origin of [...(options.allowedOrigins ?? []), ...webauthnOrigins]) {
    if (typeof origin !== 'string' || new URL(origin).origin !== origin) {
      throw new MfaConfigError(
        `createMfa: allowed origin ${JSON.stringify(origin)} is not an origin like https://portal.example.`,
      );
    }
  }
}

/**
 * Creates mfakit for a host: the HTTP API, the guard and the access decision,
 * all on one store. Options are checked here, so a misconfiguration fails at
 * start-up rather than on a request.
 *
 * @example
 * const mfa = createMfa({
 *   store: sqliteStore({ filename: 'data/mfa.db' }),
 *   secret: process.env.MFA_SECRET!,
 *   issuer: 'Acme Portal',
 *   authenticate: async (c) => sessionOf(c),
 *   getMembership: (userId, accountId) => db.membership(userId, accountId),
 *   listMemberships: (userId) => db.memberships(userId),
 *   listMembers: (accountId) => db.members(accountId),
 * });
 * hostApp.route('/mfa', mfa.app);
 * hostApp.use('/accounts/:accountId/*', mfa.guard());
 * hostApp.use('/accounts/:accountId/payouts/*', mfa.guard({ stepUp: 300 }));
 */
export function createMfa(options: MfaOptions): Mfa {
  validate(options);
  const ctx = new MfaContext(options);
  const delivery = new EventDelivery(ctx, subscribersOf(ctx, options));
  ctx.onReady = () => delivery.ready();
  if (options.eventDelivery !== 'manual') {
    ctx.eventsStored = () => delivery.wake();
    delivery.start();
  }
  const reminders = reminderLoop(ctx);
  if (
    (options.reminders ?? (options.eventDelivery === 'manual' ? 'manual' : 'background')) === 'background'
  ) {
    ctx.policySaved = () => reminders.wake();
    reminders.start();
  }
  const app = createApp(ctx, new Set(options.allowedOrigins ?? []));
  let warned = false;
  /** Once, from `ready()`: passkeys answer 409 outside development until `webauthn` names the site. */
  const warnWithoutRelyingParty = () => {
    if (warned || configuredRelyingParty(options)) return;
    warned = true;
    const warning = new MfaConfigError(
      'createMfa: `webauthn` names no site (`rpId` or `origin`): passkeys answer 409 webauthn_not_configured except on localhost.',
    );
    if (options.onError) options.onError(warning, { operation: 'webauthn configuration' });
    else console.warn(`mfakit: ${warning.message}`);
  };
  return {
    app,
    guard: (guardOptions) => createGuard(ctx, guardOptions),
    evaluate: async ({ principal, accountId, deviceToken, stepUp }) => {
      // Checked first, so that the mistake shows whoever is signed in.
      const window = checkStepUp(stepUp, 'mfa.evaluate');
      if (!isPrincipal(principal)) return { allow: false, reason: 'unauthenticated' };
      try {
        await ctx.readyForRequest();
      } catch {
        return { allow: false, reason: 'unavailable' };
      }
      // Anything but a string is no token (a host without TypeScript may pass anything).
      const token = typeof deviceToken === 'string' ? deviceToken : undefined;
      return evaluate(ctx, principal, accountId, undefined, token, window);
    },
    resetUser: async (userId) => {
      await ctx.ready();
      await resetUser(ctx, userId, null, null);
    },
    endSession: async (userId, sessionId) => {
      await ctx.ready();
      await endSession(ctx, userId, sessionId);
    },
    // The store's own error, not the 503 a request would get.
    ready: async () => {
      await ctx.ready().catch((error: unknown) => Promise.reject(causeOf(error)));
      warnWithoutRelyingParty();
    },
    rotateKeys: async () => {
      await ctx.ready();
      return rotateKeys(ctx);
    },
    deliverEvents: async () => {
      await ctx.ready();
      await delivery.pass();
    },
    deliveryStatus: async () => {
      await ctx.ready();
      return delivery.status();
    },
    sendDueReminders: async (sendOptions) => {
      await ctx.ready();
      return sendDueReminders(ctx, sendOptions);
    },
    close: async () => {
      await reminders.stop();
      await delivery.stop();
      await ctx.store.close();
    },
  };
}
