import { z } from 'zod';
import { count, isoDate, type Same } from '../core/endpoint-schemas.ts';
import { factorListings } from '../factors/registry.ts';
import {
  accessReasons,
  allowedFactorsValues,
  auditEventTypes,
  factorMethods,
  MAX_REMEMBER_DEVICE_DAYS,
  policyModes,
  sessionMethods,
  verificationMethods,
} from '../model.ts';
import { nudgeKinds } from '../store/rollout-store.ts';
import type {
  AccessResponse,
  AuditResponse,
  ChallengeResponse,
  MembersResponse,
  MeResponse,
  NudgeResponse,
  NudgeSnoozeResponse,
  PolicyResponse,
  RememberedDevicesForgottenResponse,
  RememberedDevicesResponse,
  RemindersResponse,
} from './types.ts';

/**
 * The success bodies of the routes http/ declares itself as zod schemas (a factor's own are in
 * its folder, factors/<name>/schemas.ts), for the OpenAPI document
 * only (the handlers' return types are the interfaces in types.ts; the checks
 * at the end keep both in step). Objects are strict: a field the schema does not
 * name is a field the API should not send.
 */

const role = z.enum(['admin', 'member']);
const methods = z.array(z.enum(factorMethods));

export const policyResponse = z.strictObject({
  accountId: z.string(),
  mode: z.enum(policyModes),
  gracePeriodDays: z.int().min(0).max(90),
  enforceAfterSso: z.boolean(),
  allowedFactors: z.enum(allowedFactorsValues),
  rememberDeviceDays: z.int().min(0).max(MAX_REMEMBER_DEVICE_DAYS),
  enforceFrom: isoDate.nullable(),
  version: z.int().min(0),
  updatedAt: isoDate.nullable(),
  updatedBy: z.string().nullable(),
  updatedByName: z.string().nullable(),
  sso: z.strictObject({ enabled: z.boolean(), provider: z.string().nullable() }),
  canManage: z.boolean(),
  compliance: z.strictObject({
    members: count,
    enrolled: count,
    withAcceptedMethod: count,
    phishingResistant: count,
  }),
});

export const membersResponse = z.strictObject({
  members: z.array(
    z.strictObject({
      userId: z.string(),
      displayName: z.string(),
      email: z.string(),
      role,
      enrolled: z.boolean(),
      methods,
      enrolledAt: isoDate.nullable(),
      deadline: isoDate.nullable(),
      overdue: z.boolean(),
      resetAt: isoDate.nullable(),
      lastRemindedAt: isoDate.nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
  counts: z.strictObject({ members: count, enrolled: count, withoutMfa: count, overdue: count }),
  reminders: z.strictObject({ lastSentAt: isoDate.nullable(), nextAllowedAt: isoDate.nullable() }),
});

export const remindersResponse = z.strictObject({ reminded: count, sentAt: isoDate, nextAllowedAt: isoDate });

export const nudgeResponse = z.strictObject({
  nudge: z
    .strictObject({
      kind: z.enum(nudgeKinds),
      accountId: z.string().nullable(),
      enforceFrom: isoDate.nullable(),
      snoozesLeft: z.int().min(0).max(3),
    })
    .nullable(),
});

export const nudgeSnoozeResponse = z.strictObject({
  snoozedUntil: isoDate,
  snoozesLeft: z.int().min(0).max(3),
});

export const resetResponse = z.strictObject({ reset: z.literal(true) });

export const auditResponse = z.strictObject({
  events: z.array(
    z.strictObject({
      id: z.string(),
      type: z.enum(auditEventTypes),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      userId: z.string().nullable(),
      userName: z.string().nullable(),
      accountId: z.string().nullable(),
      before: z.unknown(),
      after: z.unknown(),
      at: isoDate,
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const accessResponse = z.strictObject({
  allow: z.boolean(),
  // A host route's step-up is no part of entering the account: `GET …/access` never answers it.
  reason: z
    .enum(accessReasons)
    .exclude(['unauthenticated', 'not_member', 'unavailable', 'step_up_required', 'mfa_required_for_action']),
  deadline: isoDate.exactOptional(),
  accepts: methods.exactOptional(),
  enforceFrom: isoDate.exactOptional(),
});

export const meResponse = z.strictObject({
  userId: z.string(),
  enrolled: z.boolean(),
  factors: z.array(z.discriminatedUnion('type', factorListings)),
  recoveryCodesRemaining: z.int().min(0),
  recoveryCodesOutdated: z.boolean(),
  requiredBy: z.array(
    z.strictObject({
      accountId: z.string(),
      accountName: z.string(),
      deadline: isoDate.nullable(),
      resetAt: isoDate.nullable(),
      accepts: methods,
      enforceFrom: isoDate.nullable(),
    }),
  ),
  rememberDeviceDays: z.int().min(0).max(MAX_REMEMBER_DEVICE_DAYS),
  session: z.strictObject({
    verified: z.boolean(),
    verifiedAt: isoDate.nullable(),
    method: z.enum(sessionMethods).nullable(),
  }),
  lockedUntil: isoDate.nullable(),
});

export const challengeResponse = z.strictObject({
  verified: z.literal(true),
  verifiedAt: isoDate,
  method: z.enum(verificationMethods),
  recoveryCodesRemaining: z.int().min(0),
  rememberedUntil: isoDate.nullable(),
});

export const rememberedDevicesResponse = z.strictObject({
  devices: z.array(
    z.strictObject({
      deviceId: z.string(),
      label: z.string().min(1).max(64),
      createdAt: isoDate,
      lastUsedAt: isoDate.nullable(),
      expiresAt: isoDate,
      current: z.boolean(),
    }),
  ),
});

export const rememberedDevicesForgottenResponse = z.strictObject({ forgotten: z.int().min(0) });

const inStep: [
  Same<z.output<typeof policyResponse>, PolicyResponse>,
  Same<z.output<typeof membersResponse>, MembersResponse>,
  Same<z.output<typeof auditResponse>, AuditResponse>,
  Same<z.output<typeof meResponse>, MeResponse>,
  Same<z.output<typeof challengeResponse>, ChallengeResponse>,
  Same<z.output<typeof rememberedDevicesResponse>, RememberedDevicesResponse>,
  Same<z.output<typeof rememberedDevicesForgottenResponse>, RememberedDevicesForgottenResponse>,
  Same<z.output<typeof remindersResponse>, RemindersResponse>,
  Same<z.output<typeof nudgeResponse>, NudgeResponse>,
  Same<z.output<typeof nudgeSnoozeResponse>, NudgeSnoozeResponse>,
  // The schema is narrower (the API answers not_member and unavailable as errors).
  z.output<typeof accessResponse> extends AccessResponse ? true : false,
] = [true, true, true, true, true, true, true, true, true, true, true];
void inStep;
