import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { MfaContext } from '../core/context.ts';

/**
 * The remembered-device cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on
 * other sites' sub-requests), Path=/ (the guard's routes and the API's alike), Secure when
 * the request came over https (as the request's URL or the proxy's `X-Forwarded-Proto`
 * says: a client that claims https on plain http only loses its own cookie).
 */

/** The cookie's value on this request, if any (shaped like a token or not: the caller checks). */
export function deviceTokenOf(c: Context, ctx: MfaContext): string | undefined {
  return getCookie(c, ctx.deviceCookie);
}

function isHttps(c: Context): boolean {
  if (c.req.url.startsWith('https:')) return true;
  const forwarded = c.req.header('x-forwarded-proto');
  return forwarded?.split(',')[0]?.trim().toLowerCase() === 'https';
}

const attributes = (c: Context) => ({
  httpOnly: true,
  sameSite: 'Lax' as const,
  path: '/',
  secure: isHttps(c),
});

/** Sets the cookie to `token` until `expiresAt` (its Max-Age). */
export function setDeviceCookie(c: Context, ctx: MfaContext, token: string, expiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - ctx.now().getTime()) / 1000));
  setCookie(c, ctx.deviceCookie, token, { ...attributes(c), maxAge });
}

/** Tells the browser to drop the cookie (its device was forgotten). */
export function clearDeviceCookie(c: Context, ctx: MfaContext): void {
  deleteCookie(c, ctx.deviceCookie, attributes(c));
}
