import type { MemberResponse } from '@mfakit/server-sdk';

/**
 * When an administrator's reset forfeited the member's grace period in this account (ISO), or
 * `null`. Servers that predate the field leave it out; read it this way until the SDK's
 * `MemberResponse` declares it.
 */
export const resetAtOf = (m: MemberResponse): string | null =>
  (m as MemberResponse & { resetAt?: string | null }).resetAt ?? null;
