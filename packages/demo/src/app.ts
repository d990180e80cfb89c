import { join, relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { type AccessDecision, createMfa, type MfaStore, type Principal } from '@mfakit/server-sdk';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { accounts, findAccount, findUser, membership, membershipsOf, membersOf } from './directory.ts';
import { layout, readAssets } from './layout.ts';

export interface DemoOptions {
  store: MfaStore;
  secret: string;
  now?: () => Date;
  /** Where Vite put the built pages (default: the package's dist/). */
  distDir?: string;
}

const packageDir = join(import.meta.dirname, '..');

/** The host's sign-in, reduced to cookies the user switcher sets. */
function principalOf(c: Context): Principal | null {
  const user = findUser(getCookie(c, 'demo_user'));
  const sessionId = getCookie(c, 'demo_session');
  if (!user || !sessionId) return null;
  const ssoAccountId = getCookie(c, 'demo_sso_account');
  return {
    userId: user.id,
    sessionId,
    email: user.email,
    authMethod: ssoAccountId ? 'sso' : 'password',
    ...(ssoAccountId ? { ssoAccountId } : {}),
  };
}

const orders = [
  { id: 'PO-1042', item: 'Edge routers (12)', status: 'Shipped', total: '€ 8,340.00' },
  { id: 'PO-1043', item: 'Support renewal 2027', status: 'Awaiting approval', total: '€ 2,100.00' },
  { id: 'PO-1044', item: 'Access points (40)', status: 'Processing', total: '€ 11,960.00' },
];

/**
 * The demo portal: a host app that mounts the SDK at /mfa, guards its API with
 * `mfa.guard()`, and renders its account pages as the access decision says.
 */
export function createDemo({ store, secret, now, distDir = join(packageDir, 'dist') }: DemoOptions) {
  const mfa = createMfa({
    store,
    secret,
    issuer: 'Partner Portal',
    ...(now ? { now } : {}),
    authenticate: principalOf,
    getMembership: membership,
    listMemberships: membershipsOf,
    listMembers: membersOf,
    getSso: (accountId) => {
      const sso = findAccount(accountId)?.sso;
      return sso ? { provider: sso } : null;
    },
  });
  const assets = readAssets(distDir);
  const app = new Hono();

  app.route('/mfa', mfa.app);
  app.use('/assets/*', serveStatic({ root: relative(process.cwd(), distDir) || '.' }));

  // The user switcher: what a real portal's sign-in page does, reduced to a form.
  app.post('/session', async (c) => {
    const form = await c.req.parseBody();
    const user = findUser(String(form.user ?? ''));
    const options = { path: '/', httpOnly: true, sameSite: 'Lax' as const };
    if (!user) {
      for (const name of ['demo_user', 'demo_session', 'demo_sso_account'])
        deleteCookie(c, name, { path: '/' });
      return c.redirect('/', 303);
    }
    const ssoAccount = accounts.find((a) => a.sso && a.id === form.sso && a.members[user.id]);
    setCookie(c, 'demo_user', user.id, options);
    setCookie(c, 'demo_session', crypto.randomUUID(), options);
    if (ssoAccount) setCookie(c, 'demo_sso_account', ssoAccount.id, options);
    else deleteCookie(c, 'demo_sso_account', { path: '/' });
    // Stay on the page the switch was made from, so one page can be seen as each user.
    const referer = c.req.header('referer');
    const back =
      referer && new URL(referer).host === new URL(c.req.url).host ? new URL(referer).pathname : '/';
    return c.redirect(back, 303);
  });

  // The host's own API, guarded: JSON 401 / 403 / 404 as the decision says.
  app.use('/api/accounts/:accountId/*', mfa.guard());
  app.get('/api/accounts/:accountId/orders', (c) => c.json({ orders, decision: c.get('mfaDecision') }));

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
        },
        body,
      ),
    );
  };

  app.get('/', (c) => {
    const principal = principalOf(c);
    if (!principal) {
      return page(
        c,
        'Welcome',
        'home',
        html`<h1>Welcome to the Partner Portal</h1>
          <div class="card">
            <p>This portal shows mfakit in a host application. Choose a user in the top bar to sign in:</p>
            <ul>
              <li><strong>Ada Lovelace</strong>: administrator of Acme</li>
              <li><strong>Max Mustermann</strong>: member of Acme</li>
              <li><strong>Sam Shared</strong>: member of Acme and Contoso</li>
              <li><strong>Cleo Contoso</strong>: administrator of Contoso, which signs in through Active Directory</li>
            </ul>
          </div>`,
      );
    }
    const mine = membershipsOf(principal.userId);
    return page(
      c,
      'Home',
      'home',
      html`<h1>Your accounts</h1>
        ${mine.map(
          (m) => html`<div class="card">
            <h2>${m.accountName}</h2>
            <p class="muted">You are ${m.role === 'admin' ? 'an administrator' : 'a member'} of this account.</p>
            <a class="button" href="/accounts/${m.accountId}">Open ${m.accountName}</a>
            <a href="/accounts/${m.accountId}/settings">Settings</a>
          </div>`,
        )}`,
    );
  });

  app.get('/profile', (c) => {
    if (!principalOf(c)) return c.redirect('/', 303);
    return page(
      c,
      'Profile',
      'profile',
      html`<h1>Profile &amp; security</h1>
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
      const decision: AccessDecision = await mfa.evaluate({ principal, accountId });
      const current = `${accountId}:${view}`;
      const name = account?.name ?? accountId;
      switch (decision.reason) {
        case 'not_member':
          c.status(404);
          return page(
            c,
            'Not found',
            current,
            html`<h1>Not found</h1><p>You are not a member of this account.</p>`,
          );
        case 'unavailable':
          c.status(503);
          return page(
            c,
            'Unavailable',
            current,
            html`<h1>Try again shortly</h1><p>Sign-in checks are unavailable.</p>`,
          );
        case 'challenge_required':
          return page(
            c,
            `Verify · ${name}`,
            current,
            html`<h1>${name}</h1>
              <div class="card"><mfa-challenge></mfa-challenge></div>`,
            true,
          );
        case 'enrollment_required':
          c.status(403);
          return page(
            c,
            `Set up MFA · ${name}`,
            current,
            html`<h1>${name}</h1>
              <div class="banner warning" role="alert">
                ${name} requires multi-factor authentication. Set up an authenticator app to continue.
              </div>
              <div class="card"><mfa-user-enroll></mfa-user-enroll></div>
              <p><a class="button" href="/accounts/${accountId}${view === 'settings' ? '/settings' : ''}">Continue to ${name}</a></p>`,
          );
      }
      const banner =
        decision.reason === 'grace_period'
          ? html`<div class="banner warning" role="status">
              ${name} requires multi-factor authentication. Set it up by
              <strong>${decision.deadline ? new Intl.DateTimeFormat('en', { dateStyle: 'long' }).format(decision.deadline) : ''}</strong>
              to keep access. <a href="/profile">Set up now</a>
            </div>`
          : decision.reason === 'sso_delegated'
            ? html`<div class="banner info" role="status">
                Signed in through ${account?.sso}: your identity provider's sign-in rules apply.
              </div>`
            : '';
      if (view === 'settings') {
        return page(
          c,
          `Settings · ${name}`,
          current,
          html`<h1>${name} settings</h1>
            ${banner}
            <div class="card"><mfa-settings account-id="${accountId}"></mfa-settings></div>`,
        );
      }
      return page(
        c,
        name,
        current,
        html`<h1>${name}</h1>
          ${banner}
          <div class="card">
            <h2>Purchase orders</h2>
            <table>
              <thead>
                <tr><th scope="col">Order</th><th scope="col">Item</th><th scope="col">Status</th><th scope="col">Total</th></tr>
              </thead>
              <tbody>
                ${orders.map((o) => html`<tr><td>${o.id}</td><td>${o.item}</td><td>${o.status}</td><td>${o.total}</td></tr>`)}
              </tbody>
            </table>
          </div>`,
      );
    };

  app.get('/accounts/:accountId', accountPage('overview'));
  app.get('/accounts/:accountId/settings', accountPage('settings'));

  return { app, mfa };
}
