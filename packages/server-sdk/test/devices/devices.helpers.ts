/** Remembering devices through the harness: policies that allow it, the cookie a challenge sets. */
import { expect } from 'vitest';
import type { Harness, RequestOptions } from '../support.ts';

export const DAY_S = 86_400;
export const CHROME_ON_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The admin of each account of the default directory. */
const ADMIN: Record<string, string> = { acme: 'ada', contoso: 'cleo', solo: 'olga' };

/**
 * Sets an account's policy as its administrator would (enrolling and verifying them first
 * when needed), keeping what the body leaves out.
 */
export async function setPolicy(h: Harness, accountId: string, body: Record<string, unknown>) {
  const admin = ADMIN[accountId] as string;
  if (!h.secrets[admin]) await h.enroll(admin);
  else await h.verify(admin);
  const res = await h.json('PUT', `/mfa/accounts/${accountId}/policy`, {
    as: admin,
    body: { mode: 'optional', ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** A `Set-Cookie` header of the answer, parsed: the value and the attributes by lower-case name. */
export function setCookieOf(res: Response, name = 'mfa_device') {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!header) return null;
  const [pair, ...rest] = header.split(';').map((part) => part.trim());
  const value = (pair as string).slice(name.length + 1);
  const attributes = new Map(
    rest.map((part) => {
      const [key, ...v] = part.split('=');
      return [(key as string).toLowerCase(), v.join('=')] as const;
    }),
  );
  return { header, value, attributes };
}

/** The request options that send `token` as the device cookie. */
export const withCookie = (token: string, options: RequestOptions = {}, name = 'mfa_device') => ({
  ...options,
  headers: { ...options.headers, cookie: `${name}=${token}` },
});

/**
 * Verifies the user's session with a code of the app `h.enroll` set up, asking to remember
 * the device; answers the challenge's answer and the cookie's token.
 */
export async function rememberWithCode(h: Harness, user: string, session = `${user}-remember`) {
  const res = await h.json('POST', '/mfa/challenge', {
    as: user,
    session,
    headers: { 'user-agent': CHROME_ON_MAC },
    body: { code: await h.code(h.secrets[user] as string), rememberDevice: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  h.advance(30);
  const cookie = setCookieOf(res.res);
  return { res, token: cookie?.value ?? null, cookie };
}

/** The guarded area of an account, entered from a new session with the device cookie. */
export function enter(h: Harness, user: string, token: string, accountId = 'acme', session?: string) {
  return h.json(
    'GET',
    `/accounts/${accountId}/area`,
    withCookie(token, { as: user, session: session ?? `${user}-new` }),
  );
}
