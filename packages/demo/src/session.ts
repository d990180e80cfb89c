import { createHmac, timingSafeEqual } from 'node:crypto';

/** The demo's sign-in cookie: who is signed in, in which session, and through which account's SSO. */
export const SESSION_COOKIE = 'demo_session';

export interface DemoSession {
  user: string;
  session: string;
  /** The account whose directory (SSO) the user signed in through, if any. */
  sso?: string;
}

/**
 * The host's sign-in, reduced to one signed cookie that the user switcher sets:
 * `<base64url JSON>.<HMAC-SHA-256>`, keyed from the demo's secret. A cookie edited
 * by hand (another user, an SSO account) fails the signature and signs nobody in.
 * Hosts copy demos: never take a user or an SSO claim from an unsigned cookie.
 */
export function sessionCookies(secret: string) {
  const key = createHmac('sha256', secret).update('mfakit demo: sign-in cookie').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    seal(session: DemoSession): string {
      const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
      return `${payload}.${mac(payload)}`;
    },
    open(value: string | undefined): DemoSession | null {
      const [payload, signature, extra] = (value ?? '').split('.');
      if (!payload || !signature || extra !== undefined) return null;
      const expected = Buffer.from(mac(payload));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DemoSession;
        return typeof session.user === 'string' && typeof session.session === 'string' ? session : null;
      } catch {
        return null;
      }
    },
  };
}
