/**
 * The README's "Embed it" server as a host pastes it: the lines after the
 * stand-ins below are the README's snippet (test/docs.test.ts checks that each
 * of its lines is here), and the stand-ins are a sign-in and a directory of
 * accounts in place of the host's own. test/readme-host.test.ts serves it.
 */
import { createMfa, type Principal } from '@mfakit/server-sdk';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
import { type Context, Hono } from 'hono';
import { directoryHooks, principalFromCookies } from './directory.ts';

/** The host's sign-in: here the cookies `user` and `session` of the interop hosts. */
function yourSession(c: Context): Principal | null {
  return principalFromCookies(c.req.header('cookie'));
}

/** The host's directory of accounts and members (Acme: Ada the administrator, Max a member). */
const yourDirectory = {
  membership: directoryHooks.getMembership,
  memberships: directoryHooks.listMemberships,
  members: directoryHooks.listMembers,
};

const mfa = createMfa({
  store: sqliteStore({ filename: 'data/mfa.db' }), // better-sqlite3 if installed, else node:sqlite
  secret: process.env.MFA_SECRET ?? '', // at least 32 bytes (createMfa refuses less)
  issuer: 'Acme Portal', // what authenticator apps show
  authenticate: (c) => yourSession(c), // { userId, sessionId, authMethod: 'password' } or null
  getMembership: (userId, accountId) => yourDirectory.membership(userId, accountId),
  listMemberships: (userId) => yourDirectory.memberships(userId),
  listMembers: (accountId) => yourDirectory.members(accountId),
});
export const app = new Hono();
app.route('/mfa', mfa.app); // the HTTP API the elements call
app.use('/accounts/:accountId/*', mfa.guard()); // your routes: 401, 403 challenge_required, …

// The host's own route behind the guard, and the store's end for the test.
app.get('/accounts/:accountId/reports', (c) => c.json({ reports: [] }));
export const close = () => mfa.close();
