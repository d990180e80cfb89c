import { createMfa, type MfaStore, type Principal } from '@mfakit/server-sdk';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { accounts, findAccount, findUser, membership, membershipsOf, membersOf, users } from './directory.ts';

export interface DemoOptions {
  store: MfaStore;
  secret: string;
  now?: () => Date;
}

/**
 * The demo host: a user switcher stands in for the portal's sign-in (a cookie
 * names the user, how they signed in, and a session id), the SDK is mounted at
 * /mfa, and each account's area is guarded by `mfa.guard()`.
 */
export function createDemo({ store, secret, now }: DemoOptions) {
  const mfa = createMfa({
    store,
    secret,
    issuer: 'mfakit demo',
    ...(now ? { now } : {}),
    authenticate: (c): Principal | null => {
      const user = findUser(getCookie(c, 'demo_user'));
      const sessionId = getCookie(c, 'demo_session');
      if (!user || !sessionId) return null;
      const sso = getCookie(c, 'demo_auth') === 'sso';
      const ssoAccountId = getCookie(c, 'demo_sso_account');
      return {
        userId: user.id,
        sessionId,
        email: user.email,
        authMethod: sso ? 'sso' : 'password',
        ...(sso && ssoAccountId ? { ssoAccountId } : {}),
      };
    },
    getMembership: membership,
    listMemberships: membershipsOf,
    listMembers: membersOf,
    getSso: (accountId) => {
      const sso = findAccount(accountId)?.sso;
      return sso ? { provider: sso } : null;
    },
  });

  const app = new Hono();
  app.route('/mfa', mfa.app);

  // The user switcher: what a real portal's sign-in page does, reduced to a form.
  app.post('/session', async (c) => {
    const form = await c.req.parseBody();
    const user = findUser(String(form.user ?? ''));
    if (!user) return c.text('Unknown user', 400);
    const ssoAccount = accounts.find((a) => a.sso && a.id === form.sso && a.members[user.id]);
    const options = { path: '/', httpOnly: true, sameSite: 'Lax' as const };
    setCookie(c, 'demo_user', user.id, options);
    setCookie(c, 'demo_session', crypto.randomUUID(), options);
    setCookie(c, 'demo_auth', ssoAccount ? 'sso' : 'password', options);
    if (ssoAccount) setCookie(c, 'demo_sso_account', ssoAccount.id, options);
    else deleteCookie(c, 'demo_sso_account', { path: '/' });
    return c.redirect('/', 303);
  });

  app.use('/accounts/:accountId/*', mfa.guard());
  app.get('/accounts/:accountId/area', (c) => {
    const account = findAccount(c.req.param('accountId'));
    return c.json({ account: account?.name, decision: c.get('mfaDecision') });
  });

  app.get('/', async (c) => {
    const user = findUser(getCookie(c, 'demo_user'));
    const auth = getCookie(c, 'demo_auth');
    const rows = user
      ? await Promise.all(
          membershipsOf(user.id).map(async (m) => {
            const decision = await mfa.evaluate({
              principal: {
                userId: user.id,
                sessionId: getCookie(c, 'demo_session') ?? '',
                authMethod: auth === 'sso' ? 'sso' : 'password',
                ...(getCookie(c, 'demo_sso_account')
                  ? { ssoAccountId: getCookie(c, 'demo_sso_account') as string }
                  : {}),
              },
              accountId: m.accountId,
            });
            return html`<li>${m.accountName} (${m.role}): <strong>${decision.reason}</strong>
              — <a href="/accounts/${m.accountId}/area">enter</a>,
              <a href="/mfa/accounts/${m.accountId}/policy">policy</a></li>`;
          }),
        )
      : [];
    return c.html(html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>mfakit demo portal</title>
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <style>
            body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
            form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: end; }
          </style>
        </head>
        <body>
          <h1>mfakit demo portal</h1>
          <form method="post" action="/session">
            <label>User <select name="user">
              ${users.map((u) => html`<option value="${u.id}" ?selected=${u.id === user?.id}>${u.displayName}</option>`)}
            </select></label>
            <label>Sign in through <select name="sso">
              <option value="">password</option>
              ${accounts.filter((a) => a.sso).map((a) => html`<option value="${a.id}">${a.name} SSO (${a.sso})</option>`)}
            </select></label>
            <button type="submit">Switch user</button>
          </form>
          ${
            user
              ? html`<p>Signed in as <strong>${user.displayName}</strong> (${auth === 'sso' ? 'Single Sign-On' : 'password'}).
                  Your MFA: <a href="/mfa/me">/mfa/me</a>.</p>
                <ul>${rows}</ul>`
              : html`<p>Pick a user to sign in.</p>`
          }
        </body>
      </html>`);
  });

  return { app, mfa };
}
