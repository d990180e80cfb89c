import type {
  AccessResponse,
  AuditResponse,
  ChallengeResponse,
  ErrorCode,
  MembersResponse,
  MeResponse,
  PolicyMode,
  PolicyResponse,
  RecoveryCodesResponse,
  RememberedDevicesForgottenResponse,
  RememberedDevicesResponse,
  TotpConfirmedResponse,
  TotpSetupResponse,
  WebAuthnAuthenticationOptionsResponse,
  WebAuthnCredentialCreatedResponse,
  WebAuthnRegistrationOptionsResponse,
} from '@mfakit/server-sdk';
import type { AllowedFactors } from '@mfakit/server-sdk/model';

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
  }
}

/** `GET …/members`: which page, which members. */
export interface MembersQuery {
  cursor?: string;
  limit?: number;
  status?: 'all' | 'without_mfa' | 'overdue';
  /** Part of a name or email. */
  q?: string;
}

/** `?a=1&b=2` of the values set, or nothing. */
function search(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, unknown][])
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface PolicyUpdate {
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  allowedFactors?: AllowedFactors;
  /** Days a remembered device skips the challenge in this account (0–30; 0: never). */
  rememberDeviceDays?: number;
  version?: number;
}

/**
 * A typed `fetch` wrapper for the mfakit HTTP API. Cookies go along
 * (`credentials: 'same-origin'`); every failure is an `MfaApiError`.
 *
 * @example
 * const client = new MfaClient('/mfa');
 * const policy = await client.getPolicy('acme');
 */
export class MfaClient {
  readonly base: string;

  constructor(
    base = '/mfa',
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method,
        credentials: 'same-origin',
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
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

  getPolicy(accountId: string): Promise<PolicyResponse> {
    return this.call('GET', `/accounts/${encodeURIComponent(accountId)}/policy`);
  }
  putPolicy(accountId: string, update: PolicyUpdate): Promise<PolicyResponse> {
    return this.call('PUT', `/accounts/${encodeURIComponent(accountId)}/policy`, update);
  }
  /** A page of the account's members by display name (administrators), with the account's counts. */
  getMembers(accountId: string, query: MembersQuery = {}): Promise<MembersResponse> {
    return this.call('GET', `/accounts/${encodeURIComponent(accountId)}/members${search(query)}`);
  }
  /** Every member the query selects, page by page (200 a page). */
  async allMembers(accountId: string, query: Omit<MembersQuery, 'cursor' | 'limit'> = {}) {
    const members: MembersResponse['members'] = [];
    let cursor: string | null = null;
    do {
      const page: MembersResponse = await this.getMembers(accountId, {
        ...query,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      members.push(...page.members);
      cursor = page.nextCursor;
    } while (cursor);
    return members;
  }
  /** Resets a member's MFA (administrators, step-up); 409 `shared_member` when they are in another account too. */
  resetMember(accountId: string, userId: string): Promise<{ reset: true }> {
    return this.call(
      'DELETE',
      `/accounts/${encodeURIComponent(accountId)}/members/${encodeURIComponent(userId)}/mfa`,
    );
  }
  /** The account's MFA events, newest first, a page at a time (administrators). */
  getAudit(accountId: string, query: { cursor?: string; limit?: number } = {}): Promise<AuditResponse> {
    return this.call('GET', `/accounts/${encodeURIComponent(accountId)}/audit${search(query)}`);
  }
  getAccess(accountId: string): Promise<AccessResponse> {
    return this.call('GET', `/accounts/${encodeURIComponent(accountId)}/access`);
  }
  me(): Promise<MeResponse> {
    return this.call('GET', '/me');
  }
  setupTotp(): Promise<TotpSetupResponse> {
    return this.call('POST', '/me/totp/setup', {});
  }
  /** The recovery codes come only with the user's first factor: beside a passkey they keep theirs. */
  confirmTotp(code: string): Promise<TotpConfirmedResponse> {
    return this.call('POST', '/me/totp/confirm', { code });
  }
  removeTotp(): Promise<{ enrolled: false }> {
    return this.call('DELETE', '/me/totp');
  }
  regenerateRecoveryCodes(): Promise<RecoveryCodesResponse> {
    return this.call('POST', '/me/recovery-codes', {});
  }
  /**
   * Verifies the session. With `rememberDevice`, the server also remembers this browser
   * where an account of the user allows it (`rememberedUntil`, and its cookie).
   */
  challenge(
    input: { code: string } | { recoveryCode: string } | { webauthn: Record<string, unknown> },
    { rememberDevice = false } = {},
  ): Promise<ChallengeResponse> {
    return this.call('POST', '/challenge', rememberDevice ? { ...input, rememberDevice } : input);
  }
  /** The user's remembered devices that have not expired, oldest first; `current` is this browser. */
  devices(): Promise<RememberedDevicesResponse> {
    return this.call('GET', '/me/devices');
  }
  /** Forgets one remembered device (404 `not_found` for an unknown one). */
  forgetDevice(deviceId: string): Promise<RememberedDevicesForgottenResponse> {
    return this.call('DELETE', `/me/devices/${encodeURIComponent(deviceId)}`);
  }
  /** Forgets every remembered device of the user, this browser's too. */
  forgetAllDevices(): Promise<RememberedDevicesForgottenResponse> {
    return this.call('DELETE', '/me/devices');
  }
  /** The options for the browser's passkey dialog when the user adds one (step-up when the user has MFA). */
  webauthnRegistration(): Promise<WebAuthnRegistrationOptionsResponse> {
    return this.call('POST', '/me/webauthn/registration', {});
  }
  /** Stores the new passkey; `recoveryCodes` come with the user's first factor. */
  addWebauthnCredential(
    response: Record<string, unknown>,
    name?: string,
  ): Promise<WebAuthnCredentialCreatedResponse> {
    return this.call('POST', '/me/webauthn/credentials', name ? { response, name } : { response });
  }
  renameWebauthnCredential(credentialId: string, name: string): Promise<unknown> {
    return this.call('PATCH', `/me/webauthn/credentials/${encodeURIComponent(credentialId)}`, { name });
  }
  removeWebauthnCredential(credentialId: string): Promise<unknown> {
    return this.call('DELETE', `/me/webauthn/credentials/${encodeURIComponent(credentialId)}`);
  }
  /** The options for the browser's passkey dialog when the user verifies with one. */
  webauthnChallenge(): Promise<WebAuthnAuthenticationOptionsResponse> {
    return this.call('POST', '/challenge/webauthn', {});
  }
}
