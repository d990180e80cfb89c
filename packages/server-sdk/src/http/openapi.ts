import { z } from 'zod';
import type { RouteDef } from '../core/endpoint.ts';
import { type ErrorCode, errorCodes } from '../errors.ts';
import { routes } from './routes/index.ts';

const common: Record<RouteDef['access'], ErrorCode[]> = {
  public: [],
  user: ['unauthenticated', 'invalid_request', 'unavailable'],
  member: ['unauthenticated', 'invalid_request', 'not_member', 'unavailable'],
  admin: ['unauthenticated', 'invalid_request', 'not_member', 'not_admin', 'unavailable'],
};
const stateChanging: ErrorCode[] = ['forbidden_origin', 'unsupported_media_type', 'payload_too_large'];
/** What an account route answers when the caller's access decision denies (unless reachable then). */
const denied: ErrorCode[] = ['challenge_required', 'enrollment_required'];

/** A zod schema as an OpenAPI 3.1 schema object (JSON Schema 2020-12, the document's dialect). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input') {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

/** An error answer: the Error schema, and one example per code this operation can answer with. */
function errorResponse(codes: ErrorCode[]) {
  return {
    description: codes.join(', '),
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/Error' },
        examples: Object.fromEntries(
          codes.map((code) => [
            code,
            { summary: code, value: { error: { code, message: errorCodes[code].message } } },
          ]),
        ),
      },
    },
  };
}

/** A guard's step-up answer as a reusable response, with an example of its body. */
function stepUpResponse(
  description: string,
  example: {
    code: 'step_up_required' | 'mfa_required_for_action';
    maxAgeSeconds?: number;
    accepts: string[];
  },
) {
  const { code, ...extra } = example;
  return {
    description,
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/Error' },
        example: { error: { code, message: errorCodes[code].message, ...extra } },
      },
    },
  };
}

let cached: object | undefined;

/** The OpenAPI 3.1 document of the HTTP API, generated from the route table and its zod schemas. */
export function openApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const codes = new Set<ErrorCode>([
      ...common[route.access],
      ...(route.method === 'GET' ? [] : stateChanging),
      ...(route.access === 'member' || route.access === 'admin'
        ? route.reachableWhenDenied
          ? []
          : denied
        : []),
      ...route.errors,
    ]);
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of codes) {
      const { status } = errorCodes[code];
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    const responses: Record<string, unknown> = {
      [String(route.status ?? 200)]: {
        description: 'Success',
        content: route.produces
          ? { [route.produces]: { schema: { type: 'string', description: 'UTF-8 with a byte-order mark' } } }
          : { 'application/json': { schema: jsonSchema(route.response, 'output') } },
      },
    };
    for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
      responses[String(status)] = errorResponse(list);
    }
    const params = jsonSchema(route.params) as { properties?: Record<string, unknown> };
    const query = jsonSchema(route.query) as { properties?: Record<string, unknown> };
    const parameters = [
      ...Object.entries(params.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'path',
        required: true,
        schema,
      })),
      ...Object.entries(query.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        schema,
      })),
    ];
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[/-](\w)/g, (_, ch: string) => ch.toUpperCase())}`,
      ...(route.access === 'public' ? { security: [] } : {}),
      parameters,
      ...(route.body
        ? {
            requestBody: {
              required: !route.body.safeParse(undefined).success,
              content: { 'application/json': { schema: jsonSchema(route.body) } },
            },
          }
        : {}),
      responses,
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'mfakit',
      version: '0.1.0',
      description: 'Account MFA policy, enrollment and verification.',
    },
    paths: {
      ...paths,
      '/openapi.json': {
        get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } },
      },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              additionalProperties: false,
              properties: {
                code: { type: 'string', enum: Object.keys(errorCodes) },
                message: { type: 'string', minLength: 1 },
                attemptsLeft: { type: 'integer', minimum: 0 },
                retryAfterSeconds: { type: 'integer', minimum: 1 },
                recoveryCodeRequired: { type: 'boolean' },
                deadline: { type: 'string', format: 'date-time' },
                accepts: {
                  description:
                    "For enrollment_required, challenge_required and mfa_required_for_action: the factors the account accepts; for step_up_required from a host route's stepUp: those of them the user has.",
                  type: 'array',
                  items: { type: 'string', enum: ['totp', 'webauthn'] },
                },
                maxAgeSeconds: {
                  description:
                    "For step_up_required from a host route's stepUp: verify again, within this many seconds of the request.",
                  type: 'integer',
                  minimum: 1,
                },
                accounts: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['accountId', 'accountName'],
                    additionalProperties: false,
                    properties: { accountId: { type: 'string' }, accountName: { type: 'string' } },
                  },
                },
                nextAllowedAt: {
                  description: 'For reminder_limit: when the next round of reminders may be sent.',
                  type: 'string',
                  format: 'date-time',
                },
                details: { description: 'For invalid_request: the schema issues, where they are known.' },
              },
            },
          },
        },
      },
      // What `mfa.guard({ stepUp })` answers on the host's own routes, for a host's document to refer to.
      responses: {
        StepUpRequired: stepUpResponse(
          'The session did not verify recently enough for this route (mfa.guard({ stepUp })): verify again (POST /challenge), then retry.',
          { code: 'step_up_required', maxAgeSeconds: 300, accepts: ['webauthn'] },
        ),
        MfaRequiredForAction: stepUpResponse(
          'The user has no factor the account accepts, so cannot confirm it is them: set one up first.',
          { code: 'mfa_required_for_action', accepts: ['totp', 'webauthn'] },
        ),
      },
    },
  };
  return cached;
}
