import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { base64url, isoDate, type Same } from '../../core/endpoint-schemas.ts';
import { recoveryCodeList } from '../recovery-codes/schemas.ts';
import type {
  WebAuthnAuthenticationOptionsResponse,
  WebAuthnCredentialCreatedResponse,
  WebAuthnCredentialRemovedResponse,
  WebAuthnCredentialRenamedResponse,
  WebAuthnFactorResponse,
  WebAuthnRegistrationOptionsResponse,
} from './responses.ts';

/** The request and response shapes of the passkeys' and security keys' endpoints. */

/** A credential id: at most 1023 bytes (WebAuthn), 1364 base64url characters. */
export const credentialId = base64url(1364);

/**
 * What the browser's `PublicKeyCredential.toJSON()` gives. The credential's own fields are
 * strict; inside `response` and `clientExtensionResults`, fields the browser or authenticator
 * adds beyond the ones read here are dropped, not refused (WebAuthn grows them).
 */
const publicKeyCredential = <R extends z.ZodRawShape>(response: R) =>
  z.strictObject({
    id: credentialId,
    rawId: credentialId,
    type: z.literal('public-key'),
    response: z.object(response),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()),
  });

/** Checked here; typed as the library's JSON (which names the same fields) for the capability. */
const asJson = <T>(schema: z.ZodType) => schema as unknown as z.ZodType<T>;

export const registrationResponse = asJson<RegistrationResponseJSON>(
  publicKeyCredential({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(8192),
    authenticatorData: base64url(4096).optional(),
    transports: z.array(z.string().max(32)).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(4096).optional(),
  }),
);

export const authenticationResponse = asJson<AuthenticationResponseJSON>(
  publicKeyCredential({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(2048),
    userHandle: base64url(128).optional(),
  }),
);

/** A credential's name: 1–64 characters, no control characters, trimmed. */
export const credentialName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}]*$/u, 'A name has no control characters.');

export const credentialParams = z.strictObject({ credentialId });
export const webauthnCredentialBody = z.strictObject({
  response: registrationResponse,
  name: credentialName.optional(),
});
export const renameCredentialBody = z.strictObject({ name: credentialName });

export const webauthnCredential = z.strictObject({
  credentialId: z.string(),
  name: z.string().min(1).max(64),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
});

/** A credential as `GET /me` lists it among the user's factors. */
export const webauthnListing = webauthnCredential.extend({ type: z.literal('webauthn') });

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
  recoveryCodes: recoveryCodeList().exactOptional(),
});
export const webauthnCredentialRenamedResponse = z.strictObject({ credential: webauthnCredential });
export const webauthnCredentialRemovedResponse = z.strictObject({ removed: z.literal(true) });

const inStep: [
  Same<z.output<typeof webauthnListing>, WebAuthnFactorResponse>,
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
] = [true, true, true, true, true, true];
void inStep;
