/**
 * The one registry of error codes; it imports nothing, so every layer may throw
 * these and only `http/` renders them. Every error the HTTP API answers with is
 * listed here with its status and a default message; handlers throw
 * `MfaError.of(code)` and the app's error handler renders
 * `{ error: { code, message, ...extra } }`. Clients compare codes, never messages.
 */
export const errorCodes = {
  invalid_request: { status: 400, message: 'The request is malformed.' },
  invalid_code: { status: 400, message: 'The code is not valid.' },
  invalid_credential: { status: 400, message: 'The passkey or security key could not be verified.' },
  unauthenticated: { status: 401, message: 'Sign in first.' },
  step_up_required: { status: 401, message: 'Verify with your second factor first.' },
  not_admin: { status: 403, message: 'Only an administrator of this account can do this.' },
  forbidden_origin: { status: 403, message: 'Requests from this origin are not allowed.' },
  enrollment_required: { status: 403, message: 'Set up multi-factor authentication to access this account.' },
  challenge_required: { status: 403, message: 'Verify with your second factor to access this account.' },
  mfa_required_for_action: {
    status: 403,
    message:
      'Set up multi-factor authentication first: this action asks you to confirm it is you with a second factor.',
  },
  not_member: { status: 404, message: 'You are not a member of this account.' },
  not_found: { status: 404, message: 'No such endpoint.' },
  version_conflict: {
    status: 409,
    message: 'The policy was changed by someone else. Review it and try again.',
  },
  mfa_required_by_policy: {
    status: 409,
    message: 'An account you belong to requires multi-factor authentication.',
  },
  webauthn_not_configured: {
    status: 409,
    message:
      'Passkeys are not configured for this site: the server needs webauthn.rpId and webauthn.origins.',
  },
  not_enrolled: { status: 409, message: 'Multi-factor authentication is not set up.' },
  challenge_expired: { status: 409, message: 'The request to your passkey expired or was used. Try again.' },
  too_many_credentials: {
    status: 409,
    message: 'You have the most passkeys and security keys allowed. Remove one first.',
  },
  shared_member: {
    status: 409,
    message:
      'This user belongs to other accounts too; their MFA can be reset only by the portal support staff.',
  },
  snooze_limit: { status: 409, message: 'This suggestion was postponed as often as it can be.' },
  nothing_to_remind: {
    status: 409,
    message: 'This account does not require multi-factor authentication: there is no one to remind.',
  },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the request body as application/json.' },
  too_many_attempts: { status: 429, message: 'Too many failed attempts. Wait before trying again.' },
  reminder_limit: {
    status: 429,
    message: 'Members of this account were reminded less than a day ago. Try again later.',
  },
  unavailable: { status: 503, message: 'Multi-factor authentication is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** Extra fields some errors carry inside `error`. */
export interface ErrorExtra {
  attemptsLeft?: number;
  retryAfterSeconds?: number;
  recoveryCodeRequired?: boolean;
  /**
   * For `enrollment_required`: when the grace period ended; for `mfa_required_for_action`:
   * when it ends, for a member inside one.
   */
  deadline?: string;
  /**
   * For `enrollment_required`, `challenge_required` and `mfa_required_for_action`: the
   * factors the account accepts; for `step_up_required` from a host route's `stepUp`:
   * those of them the user has.
   */
  accepts?: ('totp' | 'webauthn')[];
  /** For `step_up_required` from a host route's `stepUp`: verify again within this many seconds. */
  maxAgeSeconds?: number;
  accounts?: { accountId: string; accountName: string }[];
  /** For `reminder_limit`: when the next round of reminders may be sent. */
  nextAllowedAt?: string;
  details?: unknown;
}

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string } & ErrorExtra;
}

export class MfaError extends Error {
  readonly code: ErrorCode;
  readonly status: (typeof errorCodes)[ErrorCode]['status'];
  readonly extra: ErrorExtra;

  /** @param cause what went wrong underneath (a store's or hook's error), kept for logs, never rendered */
  constructor(code: ErrorCode, message?: string, extra: ErrorExtra = {}, cause?: unknown) {
    super(message ?? errorCodes[code].message, cause === undefined ? undefined : { cause });
    this.name = 'MfaError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.extra = extra;
  }

  static of(code: ErrorCode, extra: ErrorExtra = {}, message?: string, cause?: unknown): MfaError {
    return new MfaError(code, message, extra, cause);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }

  /** Headers that go with the answer (`Retry-After` for a 429). */
  headers(): Record<string, string> {
    return this.status === 429 && this.extra.retryAfterSeconds !== undefined
      ? { 'Retry-After': String(this.extra.retryAfterSeconds) }
      : {};
  }
}

/** Thrown at start-up when the configured options cannot be used (a wrong key, a bad option). */
export class MfaConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MfaConfigError';
  }
}
