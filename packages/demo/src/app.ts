import { join, relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { type AccessDecision, createMfa, type MfaStore, type Principal } from '@mfakit/server-sdk';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { accounts, findAccount, findUser, membership, membershipsOf, membersOf } from './directory.ts';
import { hostStrings, LANG_COOKIE, type Lang, langOf } from './host-strings.ts';
import { layout, readAssets } from './layout.ts';
import { mailRoute } from './mail-page.ts';
import { type Mailbox, memoryMailbox } from './mailbox.ts';
import { type DemoSession, SESSION_COOKIE, sessionCookies } from './session.ts';

export interface DemoOptions {
  store: MfaStore;
  secret: string;
  now?: () => Date;
  /** Where Vite put the built pages (default: the package's dist/). */
  distDir?: string;
  /** The portal's address as its users reach it, for links in notifications (default: port 5173). */
  url?: string;
  /** Where the security notifications go instead of a mailer (default: this process's memory). */
  mailbox?: Mailbox;
  /**
   * The SDK's due reminders: sent by itself every ten minutes and after a policy is saved
   * (`'background'`, the default), or only from `ready()` (`'manual'`: a test that moves the
   * clock by days in seconds, so that no pass runs at a moment it did not choose).
   */
  reminders?: 'background' | 'manual';
}

const packageDir = join(import.meta.dirname, '..');

/** The SDK's remembered-device cookie (`deviceCookie`), read where the demo evaluates access itself. */
const DEVICE_COOKIE = 'mfa_device';

/** The origin a request came from, as its browser says (Origin, else Referer), or null. */
function originOf(header: string | undefined): string | null {
  if (!header) return null;
  try {
    return new URL(header).origin;
  } catch {
    return null;
  }
}

/** Whether the account accepts only phishing-resistant methods (passkeys and security keys). */
const passkeysOnly = (decision: AccessDecision) =>
  decision.accepts !== undefined && !decision.accepts.includes('totp');

/** An account's payout details: the demo's sensitive action, behind a step-up. */
interface Payout {
  holder: string;
  iban: string;
}

/** A whole IBAN as people type it (spaces allowed): two letters, two digits, 11 to 30 letters or digits. */
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

const orders = [
  { id: 'PO-1042', item: 'Edge routers (12)', status: 'Shipped', total: '€ 8,340.00' },
  { id: 'PO-1043', item: 'Support renewal 2027', status: 'Awaiting approval', total: '€ 2,100.00' },
  { id: 'PO-1044', item: 'Access points (40)', status: 'Processing', total: '€ 11,960.00' },
];

/**
 * The demo portal: a host app that mounts the SDK at /mfa, guards its API with
 * `mfa.guard()`, and renders its account pages as the access decision says.
 */
export function createDemo({
  store,
  secret,
  now,
  distDir = join(packageDir, 'dist'),
  url = 'http://127.0.0.1:5173',
  mailbox = memoryMailbox(),
  reminders,
}: DemoOptions) {
  const cookies = sessionCookies(secret);
  /** Who is signed in: the principal of the signed cookie, or null. */
  const principalOf = (c: Context): Principal | null => {
    const signedIn = cookies.open(getCookie(c, SESSION_COOKIE));
    const user = findUser(signedIn?.user);
    if (!signedIn || !user) return null;
    return {
      userId: user.id,
      sessionId: signedIn.session,
      email: user.email,
      // The SSO sign-in names the account whose directory it went through.
      authMethod: signedIn.sso ? 'sso' : 'password',
      ...(signedIn.sso ? { ssoAccountId: signedIn.sso } : {}),
    };
  };
  const mfa = createMfa({
    store,
    secret,
    issuer: 'Partner Portal',
    deviceCookie: DEVICE_COOKIE,
    ...(now ? { now } : {}),
    ...(reminders ? { reminders } : {}),
    authenticate: principalOf,
    getMembership: membership,
    listMemberships: membershipsOf,
    listMembers: membersOf,
    getSso: (accountId) => {
      const sso = findAccount(accountId)?.sso;
      return sso ? { provider: sso } : null;
    },
    // Security notifications: kept for the Mail page (src/mail-page.ts), where a portal would mail them.
    notify: (message) => mailbox.send(message, now?.() ?? new Date()),
    profileUrl: new URL('/profile', url).href,
  });
  const assets = readAssets(distDir);
  const app = new Hono();

  app.route('/mfa', mfa.app);
  app.use('/assets/*', serveStatic({ root: relative(process.cwd(), distDir) || '.' }));

  // The user switcher: what a real portal's sign-in page does, reduced to a form.
  app.post('/session', async (c) => {
    // A form another site posts here would sign the visitor in as someone else: same origin only.
    const from = originOf(c.req.header('origin')) ?? originOf(c.req.header('referer'));
    const own = new URL(c.req.url).origin;
    if (from !== own) return c.text('Sign-in is accepted from this portal only.', 403);
    const form = await c.req.parseBody();
    const user = findUser(String(form.user ?? ''));
    const before = principalOf(c);
    // Signing out (or switching user) ends the old session's verification, as a host's sign-out should.
    if (before) await mfa.endSession(before.userId, before.sessionId);
    if (!user) {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/', 303);
    }
    const ssoAccount = accounts.find((a) => a.sso && a.id === form.sso && a.members[user.id]);
    const session: DemoSession = {
      user: user.id,
      session: crypto.randomUUID(),
      ...(ssoAccount ? { sso: ssoAccount.id } : {}),
    };
    setCookie(c, SESSION_COOKIE, cookies.seal(session), { path: '/', httpOnly: true, sameSite: 'Lax' });
    // Stay on the page the switch was made from, so one page can be seen as each user.
    const referer = c.req.header('referer');
    const back = originOf(referer) === own ? new URL(referer as string).pathname : '/';
    return c.redirect(back, 303);
  });

  // The host's own API, guarded: JSON 401 / 403 / 404 as the decision says.
  app.use('/api/accounts/:accountId/*', mfa.guard());
  app.get('/api/accounts/:accountId/orders', (c) => c.json({ orders, decision: c.get('mfaDecision') }));

  // Changing where the money goes asks for the second factor again, within 5 minutes: 401
  // step_up_required (the page shows <mfa-challenge step-up> and retries), or 403
  // mfa_required_for_action for a member who has no second factor to give.
  // The form is checked before the step-up: nobody is asked for a code to save details that
  // would be refused anyway. Each refused field is named, for the page to mark it.
  const payouts = new Map<string, Payout>();
  const checked = new WeakMap<Request, Payout>();
  app.put(
    '/api/accounts/:accountId/payout',
    async (c, next) => {
      const body = (await c.req.json().catch(() => null)) as Partial<Payout> | null;
      const holder = typeof body?.holder === 'string' ? body.holder.trim() : '';
      const iban = typeof body?.iban === 'string' ? body.iban.replace(/\s+/g, '').toUpperCase() : '';
      const t = hostStrings[langOf(getCookie(c, LANG_COOKIE))];
      const details = [
        ...(!holder || holder.length > 70 ? [{ field: 'holder', message: t.holderInvalid }] : []),
        ...(!IBAN.test(iban) ? [{ field: 'iban', message: t.ibanInvalid }] : []),
      ];
      if (details.length > 0) {
        return c.json({ error: { code: 'invalid_request', message: t.payoutInvalid, details } }, 400);
      }
      checked.set(c.req.raw, { holder, iban });
      await next();
    },
    mfa.guard({ stepUp: 300 }),
    (c) => {
      const payout = checked.get(c.req.raw) as Payout;
      payouts.set(c.req.param('accountId') as string, payout);
      return c.json({ payout });
    },
  );

  const page = (
    c: Context,
    title: string,
    current: string,
    body: Parameters<typeof layout>[1],
    reload = false,
  ) => {
    const principal = principalOf(c);
    return c.html(
      layout(
        {
          title,
          current,
          user: findUser(principal?.userId),
          viaSso: principal?.ssoAccountId,
          assets,
          reloadOnVerified: reload,
          lang: langIn(c),
        },
        body,
      ),
    );
  };
  /** The language chosen in the top bar (pages/main.ts keeps it in a cookie for the server). */
  const langIn = (c: Context): Lang => langOf(getCookie(c, LANG_COOKIE));

  /** A date in the portal's language, as its banners write one. */
  const longDate = (t: (typeof hostStrings)[Lang], date: Date) =>
    new Intl.DateTimeFormat(t.dateLocale, { dateStyle: 'long' }).format(date);

  app.get('/', async (c) => {
    const principal = principalOf(c);
    const t = hostStrings[langIn(c)];
    if (!principal) {
      return page(
        c,
        t.welcomeTitle,
        'home',
        html`<h1>${t.welcomeHeading}</h1>
          <div class="card">
            <p>${t.welcomeIntro}</p>
            <ul>
              ${t.seeded.map((s) => html`<li><strong>${s.name}</strong>: ${s.what}</li>`)}
            </ul>
          </div>`,
      );
    }
    const mine = membershipsOf(principal.userId);
    return page(
      c,
      t.home,
      'home',
      html`<h1>${t.yourAccounts}</h1>
        ${await nudge(c, principal, mine)}
        ${mine.map(
          (m) => html`<div class="card">
            <h2>${m.accountName}</h2>
            <p class="muted">${t.yourRole(m.role === 'admin')}</p>
            <a class="button" href="/accounts/${m.accountId}">${t.open(m.accountName)}</a>
            <a href="/accounts/${m.accountId}/settings">${t.settings}</a>
          </div>`,
        )}`,
    );
  });

  /**
   * The home page's `<mfa-nudge>`: it follows the account that will require MFA of the user
   * from a start date (so that it names the date), else the user's one account; a user of
   * several accounts, none of them pending, gets the suggestion about their own MFA alone.
   * The element shows nothing while there is nothing to suggest (an account that requires MFA
   * now has its own banner, on its page).
   */
  const nudge = async (c: Context, principal: Principal, mine: { accountId: string }[]) => {
    const decisions = await Promise.all(
      mine.map(async ({ accountId }) => ({
        accountId,
        decision: await mfa.evaluate({ principal, accountId, deviceToken: getCookie(c, DEVICE_COOKIE) }),
      })),
    );
    const account =
      decisions.find(({ decision }) => decision.enforceFrom !== undefined)?.accountId ??
      (mine.length === 1 ? mine[0]?.accountId : undefined);
    return account
      ? html`<mfa-nudge account-id="${account}" profile-url="/profile"></mfa-nudge>`
      : html`<mfa-nudge profile-url="/profile"></mfa-nudge>`;
  };

  const signedIn = (c: Context) => principalOf(c) !== null;
  app.get('/mail', mailRoute({ mfa, mailbox, signedIn, lang: langIn, t: hostStrings, page }));

  app.get('/profile', (c) => {
    if (!principalOf(c)) return c.redirect('/', 303);
    const t = hostStrings[langIn(c)];
    return page(
      c,
      t.profile,
      'profile',
      html`<h1>${t.profileAndSecurity}</h1>
        <div class="card"><mfa-user-enroll></mfa-user-enroll></div>`,
    );
  });

  /** An account page: what the visitor sees follows the access decision. */
  const accountPage =
    (view: 'overview' | 'settings') =>
    async (c: Context): Promise<Response> => {
      const principal = principalOf(c);
      if (!principal) return c.redirect('/', 303);
      const accountId = c.req.param('accountId') as string;
      const account = findAccount(accountId);
      const decision: AccessDecision = await mfa.evaluate({
        principal,
        accountId,
        deviceToken: getCookie(c, DEVICE_COOKIE),
      });
      const current = `${accountId}:${view}`;
      const name = account?.name ?? accountId;
      const t = hostStrings[langIn(c)];
      switch (decision.reason) {
        case 'not_member':
          c.status(404);
          return page(c, t.notFound, current, html`<h1>${t.notFound}</h1><p>${t.notMember}</p>`);
        case 'unavailable':
          c.status(503);
          return page(
            c,
            t.unavailableTitle,
            current,
            html`<h1>${t.unavailableHeading}</h1><p>${t.unavailableText}</p>`,
          );
        case 'challenge_required':
          return page(
            c,
            t.verifyTitle(name),
            current,
            html`<h1>${name}</h1>
              <div class="card"><mfa-challenge account-id="${accountId}"></mfa-challenge></div>`,
            true,
          );
        case 'enrollment_required': {
          c.status(403);
          // An account that accepts only passkeys and security keys says so: an authenticator app will not do.
          return page(
            c,
            t.setUpTitle(name),
            current,
            html`<h1>${name}</h1>
              <div class="banner warning" role="alert">${t.enrollmentRequired(name, passkeysOnly(decision))}</div>
              <div class="card"><mfa-user-enroll></mfa-user-enroll></div>
              <p><a class="button" href="/accounts/${accountId}${view === 'settings' ? '/settings' : ''}">${t.continueTo(name)}</a></p>`,
          );
        }
      }
      const banner =
        decision.reason === 'grace_period'
          ? html`<div class="banner warning" role="status">
              ${t.grace(name, passkeysOnly(decision))}
              <strong>${decision.deadline ? longDate(t, decision.deadline) : ''}</strong>
              ${t.graceKeep} <a href="/profile">${t.setUpNow}</a>
            </div>`
          : decision.enforceFrom
            ? html`<div class="banner info" role="status">
                ${t.pending(name, passkeysOnly(decision))}
                <strong>${longDate(t, decision.enforceFrom)}</strong>.
                ${t.pendingSetUp} <a href="/profile">${t.setUpNow}</a>
              </div>`
            : decision.reason === 'sso_delegated'
              ? html`<div class="banner info" role="status">${t.ssoDelegated(account?.sso ?? '')}</div>`
              : '';
      if (view === 'settings') {
        return page(
          c,
          t.settingsHeading(name),
          current,
          html`<h1>${t.settingsHeading(name)}</h1>
            ${banner}
            <div class="card"><mfa-settings account-id="${accountId}" profile-url="/profile"></mfa-settings></div>`,
        );
      }
      const [order, item, status, total] = t.orderColumns;
      return page(
        c,
        name,
        current,
        html`<h1>${name}</h1>
          ${banner}
          <div class="card">
            <h2>${t.purchaseOrders}</h2>
            <table>
              <thead>
                <tr><th scope="col">${order}</th><th scope="col">${item}</th><th scope="col">${status}</th><th scope="col">${total}</th></tr>
              </thead>
              <tbody>
                ${orders.map((o) => html`<tr><td>${o.id}</td><td>${o.item}</td><td>${o.status}</td><td>${o.total}</td></tr>`)}
              </tbody>
            </table>
          </div>
          ${payoutCard(t, accountId, payouts.get(accountId))}`,
      );
    };

  /**
   * The payout form: pages/main.ts saves it, marks a field the API refused (its reason under
   * it), and asks for the step-up when the API wants one.
   */
  const payoutCard = (t: (typeof hostStrings)[Lang], accountId: string, payout: Payout | undefined) =>
    html`<section class="card" aria-labelledby="payout-title">
      <h2 id="payout-title">${t.payoutTitle}</h2>
      <p class="muted">${t.payoutIntro(findAccount(accountId)?.name ?? accountId)}</p>
      <form class="payout" data-payout="${accountId}" novalidate>
        <label>${t.holder} <input name="holder" autocomplete="name" maxlength="70" required value="${payout?.holder ?? ''}" aria-describedby="holder-error" /></label>
        <p class="field-error" id="holder-error" hidden></p>
        <label>${t.iban} <input name="iban" autocomplete="off" spellcheck="false" maxlength="42" required value="${payout?.iban ?? ''}" aria-describedby="iban-error" /></label>
        <p class="field-error" id="iban-error" hidden></p>
        <button type="submit" class="button">${t.savePayout}</button>
      </form>
      <div class="payout-step-up"></div>
      <p class="payout-message" role="status"></p>
    </section>`;

  app.get('/accounts/:accountId', accountPage('overview'));
  app.get('/accounts/:accountId/settings', accountPage('settings'));

  /**
   * Waits for the SDK, then sends the reminders due now (the seeded rollout's announcement):
   * the SDK's own pass comes ten minutes after start, and a policy the seed wrote into the
   * store was never "saved" to wake it sooner. Each call does bounded work and says whether
   * more is due (at most 20 calls here; the SDK's pass sends the rest); a reminder is
   * recorded once, so a restart sends nothing twice.
   */
  const ready = async () => {
    await mfa.ready();
    for (let call = 0; call < 20; call++) if (!(await mfa.sendDueReminders()).more) break;
  };

  return { app, mfa, mailbox, ready };
}
