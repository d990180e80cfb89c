/** Passkeys' answers and request bodies in the HTTP API (types only). */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** A WebAuthn credential (passkey or security key) as the API shows it; never its public key. */
export interface WebAuthnCredentialResponse {
  /** base64url, as the browser's `PublicKeyCredential.id`. */
  credentialId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** A synced passkey (backed up by its provider). */
  backedUp: boolean;
  transports: string[];
}

/** A credential among `GET /me`'s factors. */
export type WebAuthnFactorResponse = { type: 'webauthn' } & WebAuthnCredentialResponse;

/** `POST /me/webauthn/registration`: for `navigator.credentials.create()` (`PublicKeyCredential.parseCreationOptionsFromJSON`). */
export interface WebAuthnRegistrationOptionsResponse {
  options: PublicKeyCredentialCreationOptionsJSON;
}

/** `POST /challenge/webauthn`: for `navigator.credentials.get()` (`PublicKeyCredential.parseRequestOptionsFromJSON`). */
export interface WebAuthnAuthenticationOptionsResponse {
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** `POST /me/webauthn/credentials`: the new credential, and the recovery codes when it is the user's first factor. */
export interface WebAuthnCredentialCreatedResponse {
  credential: WebAuthnCredentialResponse;
  recoveryCodes?: string[];
}

/** `PATCH /me/webauthn/credentials/:credentialId`. */
export interface WebAuthnCredentialRenamedResponse {
  credential: WebAuthnCredentialResponse;
}

/** `DELETE /me/webauthn/credentials/:credentialId`. */
export interface WebAuthnCredentialRemovedResponse {
  removed: true;
}

/** `POST /me/webauthn/credentials`'s body, for clients. */
export interface WebAuthnCredentialRequest {
  /** `credential.toJSON()` of what `navigator.credentials.create()` made. */
  response: RegistrationResponseJSON;
  /** 1–64 characters; default "Passkey". */
  name?: string;
}

export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
};
