import { getRequestListener } from '@hono/node-server';
import { createMfa, type Mfa, memoryStore } from '@mfakit/server-sdk';
import express, { type NextFunction, type Request, type Response } from 'express';
import { directoryHooks, principalFromCookies } from './directory.ts';

export interface ExpressHostOptions {
  now?: () => Date;
  /**
   * Where the host's JSON body parser sits. `after-mfa` (the way to do it): the
   * SDK reads its own bodies, so it is mounted before `express.json()`.
   * `before-mfa-keeping-raw`: a host whose parser must come first keeps the raw
   * bytes in `req.rawBody`, which @hono/node-server hands to the SDK.
   * `before-mfa`: the mistake, for the test that shows what it does.
   */
  bodyParser?: 'after-mfa' | 'before-mfa-keeping-raw' | 'before-mfa';
}

/**
 * A Node host of another framework: Express 5 mounting `mfa.app` at /mfa
 * through @hono/node-server, and guarding its own routes with `mfa.evaluate`.
 */
export function createExpressHost({ now, bodyParser = 'after-mfa' }: ExpressHostOptions = {}): {
  app: express.Express;
  mfa: Mfa;
} {
  const mfa = createMfa({
    store: memoryStore(),
    secret: 'interop-express-secret-of-32-bytes!!',
    issuer: 'Express Portal',
    ...(now ? { now } : {}),
    authenticate: (c) => principalFromCookies(c.req.header('cookie')),
    ...directoryHooks,
  });
  const app = express();
  const json =
    bodyParser !== 'before-mfa-keeping-raw'
      ? express.json()
      : express.json({
          // The parser consumed the request stream; @hono/node-server gives the SDK these bytes instead.
          verify: (req, _res, buf) => {
            (req as unknown as { rawBody: Buffer }).rawBody = buf;
          },
        });

  if (bodyParser !== 'after-mfa') app.use(json);
  // Express strips the mount path: the SDK sees `/me`, `/accounts/acme/policy`, … as its own routes.
  app.use('/mfa', getRequestListener(mfa.app.fetch));
  if (bodyParser === 'after-mfa') app.use(json);

  // The guard, for a host that is not a Hono app: the same decision through mfa.evaluate.
  const statusOf = { not_member: 404, unavailable: 503 } as Record<string, number>;
  async function requireMfa(req: Request, res: Response, next: NextFunction) {
    const principal = principalFromCookies(req.headers.cookie);
    if (!principal) return void res.status(401).json({ error: { code: 'unauthenticated' } });
    const decision = await mfa.evaluate({ principal, accountId: String(req.params.accountId) });
    if (decision.allow) {
      res.locals.decision = decision;
      return next();
    }
    res.status(statusOf[decision.reason] ?? 403).json({ error: { code: decision.reason } });
  }

  app.get('/accounts/:accountId/reports', requireMfa, (_req, res) => {
    res.json({ reports: ['Q1', 'Q2'], decision: res.locals.decision });
  });
  // The host's own JSON API still gets its parsed bodies.
  app.post('/api/notes', (req, res) => {
    res.status(201).json({ note: req.body });
  });
  return { app, mfa };
}
