import type { Context } from 'hono';
import type { z } from 'zod';
import type { MfaContext } from '../core/context.ts';
import type { ErrorCode } from '../errors.ts';
import type { Membership, Principal } from '../model.ts';

/**
 * How an endpoint of the HTTP API is declared: by the capability that owns it (a factor's
 * folder declares its own), below `http/`, which mounts every declared endpoint through its
 * one request pipeline (http/app.ts) and documents it (http/openapi.ts). Nothing here runs a
 * request; hono is imported for its types only.
 */

/** Who may call a route: anyone, any signed-in user, a member or an administrator of `:accountId`. */
export type RouteAccess = 'public' | 'user' | 'member' | 'admin';

/**
 * Whether a route needs a recent verification: of every caller (`require_factor`), one strong
 * enough to bind a factor (`binding`, see policy/binding-step-up.ts), or a verified session at
 * all (`verified_session`).
 */
export type StepUp = 'none' | 'require_factor' | 'binding' | 'verified_session';

export interface RouteInput<P, Q, B> {
  c: Context;
  ctx: MfaContext;
  principal: Principal;
  membership: Membership | null;
  params: P;
  query: Q;
  body: B;
}

/**
 * One endpoint of the HTTP API: its schemas, who may call it, whether it needs
 * a step-up, the errors it can answer (for the OpenAPI document) and its handler.
 * The app runs every route through the same checks, in the design's order.
 */
export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  summary: string;
  access: RouteAccess;
  params: z.ZodType<P>;
  query: z.ZodType<Q>;
  /** `undefined`: the route takes no body. */
  body?: z.ZodType<B>;
  stepUp?: (body: B) => StepUp;
  /**
   * For a member or admin route: whether it answers while the caller's access decision
   * for the account denies (`GET …/access` and `GET …/policy`, so that a user can always
   * learn what is asked). Every other account route answers 403 `challenge_required` /
   * `enrollment_required` then, as the guard would.
   */
  reachableWhenDenied?: true;
  /** The success body, for the OpenAPI document (http/response-schemas.ts, or the factor's schemas.ts). */
  response: z.ZodType;
  /** Error codes beyond the ones every route of its access level can answer. */
  errors: readonly ErrorCode[];
  status?: 200 | 201;
  /** A file instead of JSON: `run` answers a `FileAnswer`, sent as an attachment of this type. */
  produces?: 'text/csv';
  run: (input: RouteInput<P, Q, B>) => Promise<unknown>;
}

/** What a route that `produces` a file answers: its name and its bytes, streamed. */
export interface FileAnswer {
  filename: string;
  body: ReadableStream<Uint8Array>;
}

export function defineRoute<P, Q, B>(route: RouteDef<P, Q, B>): RouteDef {
  return route as unknown as RouteDef;
}

/** A date as the API writes it: ISO 8601, or `null`. */
export const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** The request a WebAuthn ceremony runs for: its origin and host name (`https://portal.example`, `portal.example`). */
export interface RequestSite {
  origin: string;
  hostname: string;
}

/** The request's origin and host name, for the WebAuthn relying party's defaults. */
export function requestSite(c: Context): RequestSite {
  const url = new URL(c.req.url);
  return { origin: url.origin, hostname: url.hostname };
}
