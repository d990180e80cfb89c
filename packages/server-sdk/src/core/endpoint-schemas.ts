import { z } from 'zod';

/** The schema pieces every endpoint's declaration shares (core/endpoint.ts), wherever it is declared. */

export const noParams = z.strictObject({});
export const noQuery = z.strictObject({});

/** "no body or {}" */
export const emptyBody = z.strictObject({}).optional();

/** base64url without padding, as WebAuthn's JSON and the SDK's random ids encode bytes. */
export const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'Not base64url.');

/** A date in a response body: ISO 8601 with an offset. */
export const isoDate = z.iso.datetime({ offset: true });

/** A count in a response body. */
export const count = z.int().min(0);

/** True when A and B are the same type (each assignable to the other): a response schema and its type in step. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
