import { randomBytes } from 'node:crypto';
import { recordedChange } from '../core/audit.ts';
import type { MfaContext } from '../core/context.ts';
import { toBase64Url } from '../crypto/encoding.ts';
import { MfaError } from '../errors.ts';
import {
  acceptsRememberedDevice,
  MAX_REMEMBER_DEVICE_DAYS,
  type Principal,
  type RememberedDeviceRecord,
  type SessionRecord,
  type VerificationMethod,
} from '../model.ts';
import { readPolicy } from '../policy/policy.ts';
import { deviceLabel } from './device-label.ts';

/**
 * Remembered devices: after a verification with `rememberDevice: true`, a browser gets a
 * cookie with a random 256-bit token that lets its user skip the challenge in the accounts
 * that allow it (`rememberDeviceDays`), for at most the largest allowance among the
 * user's accounts. Only the token's keyed hash (HMAC-SHA-256 under a key derived from
 * `secret`) is stored; the token leaves only in the cookie.
 */

const DAY_MS = 86_400_000;
/** A token as this SDK makes them: 32 random bytes, base64url, unpadded (43 characters). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Whether a cookie's value is shaped like a device token (anything else is not looked up). */
export function isDeviceToken(value: string | undefined): value is string {
  return value !== undefined && TOKEN_PATTERN.test(value);
}

/**
 * The largest `rememberDeviceDays` among the user's accounts (0: none allows remembering),
 * or among those that would accept a device remembered after `method`.
 */
export async function rememberDeviceAllowance(
  ctx: MfaContext,
  userId: string,
  method?: VerificationMethod,
): Promise<number> {
  let days = 0;
  for (const listing of await ctx.memberships(userId)) {
    const policy = await readPolicy(ctx, listing.accountId);
    if (method !== undefined && !acceptsRememberedDevice(policy.allowedFactors, method)) continue;
    days = Math.max(days, policy.rememberDeviceDays);
  }
  return Math.min(days, MAX_REMEMBER_DEVICE_DAYS);
}

/**
 * Remembers this browser after the session verified with `method` at `verifiedAt`, when an
 * account of the user allows it and would accept such a device: a new token, stored as its
 * keyed hash, expiring after the largest allowance among those accounts. `null`: none allows
 * it (not an error), the session is no longer verified as it was (a trust change, such as
 * the factor's removal, ended it in between: no device outlives it), or the store failed
 * (reported; the verification stands).
 */
export async function rememberDevice(
  ctx: MfaContext,
  principal: Principal,
  verified: { method: VerificationMethod; verifiedAt: Date },
  userAgent: string | undefined,
): Promise<{ token: string; expiresAt: Date } | null> {
  const { userId, sessionId } = principal;
  const { method, verifiedAt } = verified;
  try {
    const days = await rememberDeviceAllowance(ctx, userId, method);
    if (days <= 0) return null;
    const now = ctx.now();
    const token = toBase64Url(new Uint8Array(randomBytes(32)));
    const device: RememberedDeviceRecord = {
      deviceId: toBase64Url(new Uint8Array(randomBytes(16))),
      userId,
      tokenHash: ctx.box.deviceHash(token),
      method,
      label: deviceLabel(userAgent),
      createdAt: now,
      lastUsedAt: null,
      expiresAt: new Date(now.getTime() + days * DAY_MS),
    };
    const session = { userId, sessionId, verifiedAt, method };
    const remembered = await recordedChange(
      ctx,
      (audit) => ctx.store.rememberDevice(device, audit, session),
      {
        type: 'device.remembered',
        actorId: userId,
        userId,
        accountId: null,
        before: null,
        after: {
          deviceId: device.deviceId,
          label: device.label,
          method,
          expiresAt: device.expiresAt.toISOString(),
        },
      },
    );
    if (!remembered) return null;
    return { token, expiresAt: device.expiresAt };
  } catch (error) {
    // Reported where it failed; the session is verified all the same.
    if (error instanceof MfaError && error.code === 'unavailable') return null;
    throw error;
  }
}

/**
 * The user's remembered device whose token this is, expired or not, from what this instance
 * remembers (for at most `policyCacheTtl`) unless `fresh`: the record itself when remembered,
 * else a promise. `null`: not a token, or no device of this user has it.
 */
export function presentedDevice(
  ctx: MfaContext,
  userId: string,
  token: string | undefined,
  fresh = false,
): RememberedDeviceRecord | null | Promise<RememberedDeviceRecord | null> {
  if (!isDeviceToken(token)) return null;
  const { cache } = ctx;
  const key = `${userId}\u0000${ctx.box.deviceHash(token)}`;
  if (!fresh) {
    const remembered = cache.devices.get(key, Date.now());
    if (remembered !== undefined) return remembered;
  }
  const generation = cache.generation;
  return cache.singleFlight(
    `device\u0000${key}`,
    async () => {
      const found = await ctx.store.findRememberedDevice(userId, ctx.box.deviceHashes(token));
      const device = found && found.userId === userId ? found : null;
      if (generation === cache.generation) cache.devices.set(key, device, Date.now());
      return device;
    },
    !fresh,
  );
}

/**
 * A remembered device let the session skip the challenge: the session is marked verified
 * with `remembered_device` (which counts only while a device an account accepts comes with
 * it, see access/decide.ts) and the device's last use set, hashed again under the newest
 * key if an older one hashed it. Bookkeeping: a failure is reported, and changes nothing
 * the decision made.
 */
export async function markSessionByDevice(
  ctx: MfaContext,
  principal: Principal,
  device: RememberedDeviceRecord,
  token: string,
  now: Date,
): Promise<void> {
  const session: SessionRecord = {
    sessionId: principal.sessionId,
    userId: principal.userId,
    verifiedAt: now,
    method: 'remembered_device',
  };
  const newest = ctx.box.deviceHash(token);
  const rehash = device.tokenHash === newest ? undefined : newest;
  try {
    if (await ctx.store.useRememberedDevice(principal.userId, device.deviceId, session, rehash)) {
      ctx.cache.rememberSession(session);
    }
  } catch {
    // Reported under the deadline; the next request marks it again.
  }
}

/** A remembered device as the profile lists it. */
export interface DeviceView {
  deviceId: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  /** The cookie of this request names it. */
  current: boolean;
}

/** The user's remembered devices that have not expired, oldest first. */
export async function listDevices(
  ctx: MfaContext,
  principal: Principal,
  token: string | undefined,
): Promise<DeviceView[]> {
  const now = ctx.now();
  const devices = await ctx.store.listRememberedDevices(principal.userId);
  const presented = new Set(isDeviceToken(token) ? ctx.box.deviceHashes(token) : []);
  return devices
    .filter((d) => d.expiresAt.getTime() > now.getTime())
    .map((d) => ({
      deviceId: d.deviceId,
      label: d.label,
      createdAt: d.createdAt,
      lastUsedAt: d.lastUsedAt,
      expiresAt: d.expiresAt,
      current: presented.has(d.tokenHash),
    }));
}

/**
 * Forgets one of the user's devices (`not_found` for an unknown id or another user's), or
 * all of them (`deviceId` null). Forgetting lowers trust, so it needs no step-up. Audited as
 * `device.forgotten`; this instance stops accepting it at once, others within
 * `policyCacheTtl`. Answers how many went and whether the request's own device was one.
 */
export async function forgetDevices(
  ctx: MfaContext,
  principal: Principal,
  deviceId: string | null,
  token: string | undefined,
): Promise<{ forgotten: number; current: boolean }> {
  const { userId } = principal;
  const devices = await ctx.store.listRememberedDevices(userId);
  const target = deviceId === null ? null : devices.find((d) => d.deviceId === deviceId);
  if (deviceId !== null && !target) throw MfaError.of('not_found', {}, 'No such remembered device.');
  const presented = new Set(isDeviceToken(token) ? ctx.box.deviceHashes(token) : []);
  const current = (target ? [target] : devices).some((d) => presented.has(d.tokenHash));
  const forgotten = await recordedChange(
    ctx,
    (audit) => ctx.store.forgetRememberedDevices(userId, deviceId, audit),
    (count) => ({
      type: 'device.forgotten',
      actorId: userId,
      userId,
      accountId: null,
      before: target ? { deviceId: target.deviceId, label: target.label } : { devices: count },
      after: null,
    }),
    { user: userId },
  );
  if (deviceId !== null && forgotten === 0) {
    throw MfaError.of('not_found', {}, 'No such remembered device.');
  }
  return { forgotten, current };
}
