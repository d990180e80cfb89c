import { serveStatic } from '@hono/node-server/serve-static';
import { createMfa, memoryStore } from '@mfakit/server-sdk';
import { Hono } from 'hono';
import { directoryHooks, principalFromCookies } from './directory.ts';

export interface PortalOptions {
  /** The built fixtures (vite.config.ts), served at / (`/react/`, `/vue/`). */
  distDir: string;
  now: () => Date;
}

/**
 * The small Hono host the framework fixtures run against: the real SDK on a
 * memory store at /mfa, and the built pages. Sign-in is two cookies the test sets.
 */
export function createPortal({ distDir, now }: PortalOptions) {
  const mfa = createMfa({
    store: memoryStore(),
    secret: 'interop-fixtures-secret-of-32-bytes!!',
    issuer: 'Interop Portal',
    now,
    policyCacheTtl: 0,
    authenticate: (c) => principalFromCookies(c.req.header('cookie')),
    ...directoryHooks,
  });
  const app = new Hono();
  app.route('/mfa', mfa.app);
  app.use('/*', serveStatic({ root: distDir }));
  return { app, mfa };
}
