import type { z } from 'zod';
import type { MfaContext } from '../core/context.ts';
import type { RouteDef } from '../core/endpoint.ts';
import type { FactorKind, FactorMethod } from '../model.ts';

/**
 * What a factor's folder (factors/<name>/) gives the rest of the SDK, listed in
 * factors/registry.ts: its kind, and the endpoints it declares (core/endpoint.ts), which
 * http/ mounts through its one request pipeline and documents in the OpenAPI document.
 */
export interface FactorFolder {
  /** What it is: phishing-resistant? a guessable code? a second factor or a way back in? */
  kind: FactorKind;
  /** Its endpoints, in the order of the design's HTTP API table. */
  endpoints: readonly RouteDef[];
}

/** A second factor's folder (`M`: its method): also how `GET /me` lists the user's factors of its kind. */
export interface SecondFactor<M extends FactorMethod = FactorMethod> extends FactorFolder {
  kind: FactorKind & { use: 'second_factor' };
  /** One entry of `GET /me`'s `factors`, as the OpenAPI document describes it (`type`: the method). */
  listing: z.ZodObject<{ type: z.ZodLiteral<M> } & z.ZodRawShape>;
  /** The user's factors of this kind as `GET /me` lists them, oldest first (none: an empty list). */
  listFactors(ctx: MfaContext, userId: string): Promise<{ type: M }[]>;
}
