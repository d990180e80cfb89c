import type {
  AccessResponse,
  AuditResponse,
  ChallengeResponse,
  MembersResponse,
  MeResponse,
  NudgeResponse,
  NudgeSnoozeResponse,
  PolicyMode,
  PolicyResponse,
  RecoveryCodesResponse,
  RememberedDevicesForgottenResponse,
  RememberedDevicesResponse,
  RemindersResponse,
  TotpConfirmedResponse,
  TotpSetupResponse,
  WebAuthnAuthenticationOptionsResponse,
  WebAuthnCredentialCreatedResponse,
  WebAuthnRegistrationOptionsResponse,
} from '@mfakit/server-sdk';
import type { AllowedFactors } from '@mfakit/server-sdk/model';

/** What `<mfa-nudge>` suggests: to set up MFA, or a passkey. */
export type NudgeKind = NonNullable<NudgeResponse['nudge']>['kind'];

import { request } from './request.ts';

export { type ClientErrorCode, MfaApiError } from './request.ts';

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
  /**
   * A requiring policy's start date (ISO 8601, e.g. local midnight of the chosen day), at most a
   * year ahead; `null`: enforced at once. Send it whenever the policy should keep one.
   */
  enforceFrom?: string | null;
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

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return request(this.fetchImpl, method, `${this.base}${path}`, body);
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
  /**
   * Where `GET …/members.csv` (with the list's `status` and `q`) or `…/audit.csv` answers, for a
   * link with `download`: the browser saves the file and sends the session's cookies along.
   */
  csvUrl(
    accountId: string,
    what: 'members' | 'audit',
    query: Pick<MembersQuery, 'status' | 'q'> = {},
  ): string {
    return `${this.base}/accounts/${encodeURIComponent(accountId)}/${what}.csv${search(query)}`;
  }
  /** The account's MFA events, newest first, a page at a time (administrators). */
  getAudit(accountId: string, query: { cursor?: string; limit?: number } = {}): Promise<AuditResponse> {
    return this.call('GET', `/accounts/${encodeURIComponent(accountId)}/audit${search(query)}`);
  }
  /**
   * Reminds every member without MFA whom the policy requires (or will require) it of, at
   * most once a day per account (administrators): 429 `reminder_limit` (with
   * `nextAllowedAt`) before then, 409 `nothing_to_remind` under an optional policy.
   */
  remindMembers(accountId: string): Promise<RemindersResponse> {
    return this.call('POST', `/accounts/${encodeURIComponent(accountId)}/reminders`, {});
  }
  getAccess(accountId: string): Promise<AccessResponse> {
    return this.call('GET', `/accounts/${encodeURIComponent(accountId)}/access`);
  }
  me(): Promise<MeResponse> {
    return this.call('GET', '/me');
  }
  /** What to suggest to the user (set up MFA, or add a passkey), in `accountId` when given; `null` while snoozed. */
  nudge(accountId = ''): Promise<NudgeResponse> {
    return this.call('GET', `/me/nudge${search({ accountId })}`);
  }
  /** **Not now** on a suggestion: hidden for some days, at most three times (409 `snooze_limit`). */
  snoozeNudge(kind: NudgeKind): Promise<NudgeSnoozeResponse> {
    return this.call('POST', '/me/nudge/snooze', { kind });
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
