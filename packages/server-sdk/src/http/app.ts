import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { evaluate } from '../access/evaluate.ts';
import { requireStepUp, requireVerifiedSession } from '../access/step-up.ts';
import type { MfaContext } from '../core/context.ts';
import type { FileAnswer, RouteDef } from '../core/endpoint.ts';
import { MfaError } from '../errors.ts';
import type { Membership } from '../model.ts';
import { requireBindingStepUp } from '../policy/binding-step-up.ts';
import { denialError } from './denial.ts';
import { deviceTokenOf } from './device-cookie.ts';
import { errorResponse } from './error-response.ts';
import { openApiDocument } from './openapi.ts';
import { checkOrigin, isStateChanging, readJsonBody } from './request.ts';
import { routes } from './routes/index.ts';

/** A route without a body takes none. */
const noBody = z.undefined();

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // zod's messages may end in a full stop already; the sentence gets exactly one.
  const first = (result.error.issues[0]?.message ?? 'unexpected value').replace(/\.$/, '');
  throw MfaError.of(
    'invalid_request',
    {
      details: result.error.issues.map((i) => ({
        in: where,
        path: i.path,
        code: i.code,
        message: i.message,
      })),
    },
    `The request ${where} is not valid: ${first}.`,
  );
}

/** A file answered as an attachment; its name keeps letters, digits, `.`, `_` and `-` only. */
function fileResponse(type: string, { filename, body }: FileAnswer): Response {
  return new Response(body, {
    headers: {
      'content-type': `${type}; charset=utf-8`,
      'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

/**
 * The HTTP API as a plain Hono app. Every route goes through the same checks,
 * answered by the first that fails: Origin → Content-Type → size and JSON →
 * authentication → schema → membership → role → access decision → step-up →
 * the route's own.
 */
export function createApp(ctx: MfaContext, allowedOrigins: ReadonlySet<string>): Hono {
  const app = new Hono();

  const handle = (route: RouteDef) => async (c: import('hono').Context) => {
    if (isStateChanging(c.req.method)) checkOrigin(c, allowedOrigins);
    const rawBody = isStateChanging(c.req.method) ? await readJsonBody(c) : undefined;
    await ctx.readyForRequest();
    const principal = await ctx.run(() => ctx.options.authenticate(c), 'authenticate');
    if (!principal) throw MfaError.of('unauthenticated');
    const params = parse(route.params, c.req.param(), 'path');
    const query = parse(route.query, c.req.query(), 'query');
    const body = route.body ? parse(route.body, rawBody, 'body') : parse(noBody, rawBody, 'body');
    let membership: Membership | null = null;
    if (route.access === 'member' || route.access === 'admin') {
      const accountId = (params as { accountId: string }).accountId;
      membership = await ctx.membership(principal.userId, accountId);
      if (!membership) throw MfaError.of('not_member');
      if (route.access === 'admin' && membership.role !== 'admin') throw MfaError.of('not_admin');
      // Every account route obeys the access decision, as the guard would (a password alone
      // must not switch MFA off, nor read or reset members); only what tells the user what is
      // asked stays reachable.
      if (!route.reachableWhenDenied) {
        const decision = await evaluate(ctx, principal, accountId, membership, () => deviceTokenOf(c, ctx));
        if (!decision.allow) throw denialError(decision);
      }
    }
    const stepUp = route.stepUp?.(body) ?? 'none';
    if (stepUp === 'binding') await requireBindingStepUp(ctx, principal);
    else if (stepUp === 'verified_session') await requireVerifiedSession(ctx, principal);
    else if (stepUp === 'require_factor') await requireStepUp(ctx, principal);
    const result = await route.run({ c, ctx, principal, membership, params, query, body });
    if (route.produces) return fileResponse(route.produces, result as FileAnswer);
    c.header('cache-control', 'no-store');
    return c.json(result as object, (route.status ?? 200) as ContentfulStatusCode);
  };

  for (const route of routes) app.on(route.method, route.path, handle(route));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));

  // A sub-app's notFound handler is not used once the host mounts it (`host.route('/mfa', mfa.app)`),
  // so unknown paths under the mount point are answered by a last catch-all route instead.
  app.all('*', () => errorResponse(MfaError.of('not_found')));
  app.notFound(() => errorResponse(MfaError.of('not_found')));
  app.onError((error) => errorResponse(error));
  return app;
}
