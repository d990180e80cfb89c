/**
 * @simplewebauthn/server, loaded when a WebAuthn ceremony first runs rather than
 * with the SDK. Its certificate helpers need the `reflect-metadata` polyfill
 * before tsyringe (through @peculiar/x509) loads, and a bundle cannot be trusted
 * to keep that order: a Worker's bundle ran tsyringe's check first and failed at
 * start-up unless the Worker imported the polyfill itself. Loaded here one after
 * the other, the order holds in any bundle, and a host that never runs a
 * ceremony never loads either. The functions keep the library's signatures.
 */
import type * as SimpleWebAuthn from '@simplewebauthn/server';

export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

let loading: Promise<typeof SimpleWebAuthn> | undefined;

/** The library, the polyfill loaded first; a failed load is tried again on the next call. */
function library(): Promise<typeof SimpleWebAuthn> {
  loading ??= import('reflect-metadata')
    .then(() => import('@simplewebauthn/server'))
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

export const generateRegistrationOptions: typeof SimpleWebAuthn.generateRegistrationOptions = async (
  options,
) => (await library()).generateRegistrationOptions(options);
export const verifyRegistrationResponse: typeof SimpleWebAuthn.verifyRegistrationResponse = async (options) =>
  (await library()).verifyRegistrationResponse(options);
export const generateAuthenticationOptions: typeof SimpleWebAuthn.generateAuthenticationOptions = async (
  options,
) => (await library()).generateAuthenticationOptions(options);
export const verifyAuthenticationResponse: typeof SimpleWebAuthn.verifyAuthenticationResponse = async (
  options,
) => (await library()).verifyAuthenticationResponse(options);
