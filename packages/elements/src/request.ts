import type { ErrorCode } from '@mfakit/server-sdk';

/** The codes a request can fail with: the API's own, or `network_error` when no answer came. */
export type ClientErrorCode = ErrorCode | 'network_error' | 'unexpected_response';

/** A failed API call: the server's stable `code`, its message and extra fields. */
export class MfaApiError extends Error {
  readonly status: number;
  readonly code: ClientErrorCode;
  readonly attemptsLeft: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly recoveryCodeRequired: boolean;
  readonly accounts: { accountId: string; accountName: string }[];
  /** For `enrollment_required`: the methods the account accepts (`["webauthn"]` when only passkeys and security keys count). */
  readonly accepts: string[];
  /** For `reminder_limit`: when the account's next reminder is allowed (ISO 8601). */
  readonly nextAllowedAt: string | undefined;

  constructor(status: number, code: ClientErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'MfaApiError';
    this.status = status;
    this.code = code;
    this.attemptsLeft = typeof extra.attemptsLeft === 'number' ? extra.attemptsLeft : undefined;
    this.retryAfterSeconds =
      typeof extra.retryAfterSeconds === 'number' ? extra.retryAfterSeconds : undefined;
    this.recoveryCodeRequired = extra.recoveryCodeRequired === true;
    this.accounts = Array.isArray(extra.accounts) ? (extra.accounts as MfaApiError['accounts']) : [];
    this.accepts = Array.isArray(extra.accepts) ? (extra.accepts as string[]) : [];
    this.nextAllowedAt = typeof extra.nextAllowedAt === 'string' ? extra.nextAllowedAt : undefined;
  }
}

/**
 * One call of the mfakit HTTP API at `url`: JSON in and out, cookies along
 * (`credentials: 'same-origin'`); every failure is an `MfaApiError`. `MfaClient` makes
 * its calls with it, and so does `<mfa-nudge>`, which stays small without the client.
 */
export async function request<T>(
  fetchImpl: typeof fetch,
  method: string,
  url: string,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new MfaApiError(0, 'network_error', 'The server could not be reached.');
  }
  const data = (await res.json().catch(() => undefined)) as
    | { error?: { code?: ClientErrorCode; message?: string } & Record<string, unknown> }
    | undefined;
  if (res.ok && data !== undefined) return data as T;
  const error = data?.error;
  if (error?.code) {
    const retryAfter = Number(res.headers.get('retry-after'));
    const extra = {
      ...error,
      ...(error.retryAfterSeconds === undefined && retryAfter ? { retryAfterSeconds: retryAfter } : {}),
    };
    throw new MfaApiError(res.status, error.code, error.message ?? error.code, extra);
  }
  throw new MfaApiError(res.status, 'unexpected_response', `Unexpected answer (${res.status}).`);
}
