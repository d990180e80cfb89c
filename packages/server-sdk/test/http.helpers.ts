/**
 * Helpers shared by the HTTP API tests (`http.*.test.ts`): the one check of an
 * error body and concrete paths for the route table.
 */
import { expect } from 'vitest';
import { type ErrorCode, errorCodes } from '../src/errors.ts';
import type { RouteDef } from '../src/http/route.ts';

/** The extra fields DESIGN.md allows inside `error`, besides `code` and `message`. */
export const ERROR_EXTRAS = new Set([
  'attemptsLeft',
  'retryAfterSeconds',
  'recoveryCodeRequired',
  'deadline',
  'accounts',
  'details',
]);

/** Problems with an error answer, or `[]` when it has exactly the documented shape. */
export function errorShapeProblems(status: number, body: unknown): string[] {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['body is not an object'];
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') problems.push(`top-level keys ${JSON.stringify(keys)}`);
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null || Array.isArray(error))
    return [...problems, 'no error object'];
  const { code, message, ...extra } = error as Record<string, unknown>;
  if (typeof code !== 'string' || !Object.hasOwn(errorCodes, code))
    problems.push(`unknown code ${String(code)}`);
  else if (errorCodes[code as ErrorCode].status !== status)
    problems.push(
      `code ${code} answered with ${status}, registry says ${errorCodes[code as ErrorCode].status}`,
    );
  if (typeof message !== 'string' || message.length === 0) problems.push('no message');
  else if (message.endsWith('..')) problems.push(`message ends in two full stops: ${message}`);
  for (const key of Object.keys(extra)) if (!ERROR_EXTRAS.has(key)) problems.push(`extra field ${key}`);
  return problems;
}

/** Asserts an error answer: its status and code, the exact body shape and the JSON content type. */
export function expectError(
  result: { status: number; body: any; res: Response },
  code: ErrorCode,
): { code: ErrorCode; message: string } & Record<string, any> {
  expect({ status: result.status, code: result.body?.error?.code }).toEqual({
    status: errorCodes[code].status,
    code,
  });
  expect(errorShapeProblems(result.status, result.body)).toEqual([]);
  expect(result.res.headers.get('content-type')).toMatch(/^application\/json/);
  return result.body.error;
}

/** A route's name in test titles and fixture tables: `PUT /accounts/:accountId/policy`. */
export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** Values for path parameters: by default the caller's account (acme) and a plain member of it (max). */
export const DEFAULT_PARAMS: Record<string, string> = { accountId: 'acme', userId: 'max' };

/** The route's path under the mount point `/mfa`, its parameters filled in (URL-encoded). */
export function pathOf(route: Pick<RouteDef, 'path'>, params: Record<string, string> = {}): string {
  return `/mfa${route.path.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? DEFAULT_PARAMS[name] ?? 'x'),
  )}`;
}

/** The names of a route's path parameters. */
export const paramNames = (route: Pick<RouteDef, 'path'>) =>
  [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);

export const isStateChanging = (route: Pick<RouteDef, 'method'>) => route.method !== 'GET';
