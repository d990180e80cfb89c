import { z } from 'zod';
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
import type {
  AccessResponse,
  AuditResponse,
  ChallengeResponse,
  MembersResponse,
  MeResponse,
  PolicyResponse,
  RecoveryCodesResponse,
  RememberedDevicesForgottenResponse,
  RememberedDevicesResponse,
  TotpConfirmedResponse,
  TotpSetupResponse,
  WebAuthnAuthenticationOptionsResponse,
  WebAuthnCredentialCreatedResponse,
  WebAuthnCredentialRemovedResponse,
  WebAuthnCredentialRenamedResponse,
  WebAuthnRegistrationOptionsResponse,
} from './types.ts';

/**
 * The success bodies of the HTTP API as zod schemas, for the OpenAPI document
 * only (the handlers' return types are the interfaces in types.ts; the checks
 * at the end keep both in step). Objects are strict: a field the schema does not
 * name is a field the API should not send.
 */

const isoDate = z.iso.datetime({ offset: true });
const role = z.enum(['admin', 'member']);
const methods = z.array(z.enum(factorMethods));
const count = z.int().min(0);

export const policyResponse = z.strictObject({
  accountId: z.string(),
  mode: z.enum(policyModes),
  gracePeriodDays: z.int().min(0).max(90),
  enforceAfterSso: z.boolean(),
  allowedFactors: z.enum(allowedFactorsValues),
  rememberDeviceDays: z.int().min(0).max(MAX_REMEMBER_DEVICE_DAYS),
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
    }),
  ),
  nextCursor: z.string().nullable(),
  counts: z.strictObject({ members: count, enrolled: count, withoutMfa: count, overdue: count }),
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
});

export const webauthnCredential = z.strictObject({
  credentialId: z.string(),
  name: z.string().min(1).max(64),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
});

export const meResponse = z.strictObject({
  userId: z.string(),
  enrolled: z.boolean(),
  factors: z.array(
    z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('totp'), createdAt: isoDate }),
      webauthnCredential.extend({ type: z.literal('webauthn') }),
    ]),
  ),
  recoveryCodesRemaining: z.int().min(0),
  recoveryCodesOutdated: z.boolean(),
  requiredBy: z.array(
    z.strictObject({
      accountId: z.string(),
      accountName: z.string(),
      deadline: isoDate.nullable(),
      resetAt: isoDate.nullable(),
      accepts: methods,
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

export const totpSetupResponse = z.strictObject({
  otpauthUri: z.string().regex(/^otpauth:\/\/totp\//),
  qrSvg: z.string(),
  secret: z.string().regex(/^[A-Z2-7]+$/),
  expiresAt: isoDate,
});

export const recoveryCodesResponse = z.strictObject({ recoveryCodes: z.array(z.string()).length(10) });

export const totpConfirmedResponse = z.strictObject({
  recoveryCodes: z.array(z.string()).length(10).exactOptional(),
});

export const unenrolledResponse = z.strictObject({ enrolled: z.literal(false) });

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

/**
 * The WebAuthn options as @simplewebauthn/server makes them (its types are the contract;
 * here only what the OpenAPI document names).
 */
const creationOptions = z.looseObject({
  rp: z.looseObject({ id: z.string().optional(), name: z.string() }),
  user: z.looseObject({ id: z.string(), name: z.string(), displayName: z.string() }),
  challenge: z.string(),
  pubKeyCredParams: z.array(z.looseObject({ alg: z.int(), type: z.literal('public-key') })),
});
const requestOptions = z.looseObject({ challenge: z.string(), rpId: z.string().optional() });

export const webauthnRegistrationOptionsResponse = z.strictObject({ options: creationOptions });
export const webauthnAuthenticationOptionsResponse = z.strictObject({ options: requestOptions });
export const webauthnCredentialCreatedResponse = z.strictObject({
  credential: webauthnCredential,
  recoveryCodes: z.array(z.string()).length(10).exactOptional(),
});
export const webauthnCredentialRenamedResponse = z.strictObject({ credential: webauthnCredential });
export const webauthnCredentialRemovedResponse = z.strictObject({ removed: z.literal(true) });

/** True when A and B are the same type (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: [
  Same<z.output<typeof policyResponse>, PolicyResponse>,
  Same<z.output<typeof membersResponse>, MembersResponse>,
  Same<z.output<typeof auditResponse>, AuditResponse>,
  Same<z.output<typeof meResponse>, MeResponse>,
  Same<z.output<typeof totpSetupResponse>, TotpSetupResponse>,
  Same<z.output<typeof recoveryCodesResponse>, RecoveryCodesResponse>,
  Same<z.output<typeof totpConfirmedResponse>, TotpConfirmedResponse>,
  Same<z.output<typeof challengeResponse>, ChallengeResponse>,
  Same<z.output<typeof rememberedDevicesResponse>, RememberedDevicesResponse>,
  Same<z.output<typeof rememberedDevicesForgottenResponse>, RememberedDevicesForgottenResponse>,
  Same<z.output<typeof webauthnCredentialCreatedResponse>, WebAuthnCredentialCreatedResponse>,
  Same<z.output<typeof webauthnCredentialRenamedResponse>, WebAuthnCredentialRenamedResponse>,
  Same<z.output<typeof webauthnCredentialRemovedResponse>, WebAuthnCredentialRemovedResponse>,
  // The options' schemas name their main fields only; the library's types are the contract.
  keyof WebAuthnRegistrationOptionsResponse extends keyof z.output<typeof webauthnRegistrationOptionsResponse>
    ? true
    : false,
  keyof WebAuthnAuthenticationOptionsResponse extends keyof z.output<
    typeof webauthnAuthenticationOptionsResponse
  >
    ? true
    : false,
  // The schema is narrower (the API answers not_member and unavailable as errors).
  z.output<typeof accessResponse> extends AccessResponse ? true : false,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void inStep;
