// The browser's side of a WebAuthn ceremony: the server's options arrive as
// JSON (base64url for every buffer), the authenticator's answer goes back as
// JSON. Chromium, Firefox and Safari 18 parse and serialise that JSON
// themselves (`PublicKeyCredential.parseCreationOptionsFromJSON`, `toJSON()`);
// older browsers get the few conversions below. No library: the whole helper
// is a few hundred bytes, loaded when a ceremony starts.

type Json = Record<string, unknown>;

interface PublicKeyCredentialStatic {
  parseCreationOptionsFromJSON?: (options: Json) => PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON?: (options: Json) => PublicKeyCredentialRequestOptions;
}

function fromBase64url(value: string): ArrayBuffer {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function toBase64url(buffer: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `{ id: 'base64url', … }` descriptors (allow or exclude lists) with their ids as bytes. */
function descriptors(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  return Array.isArray(list)
    ? list.map((d: Json) => ({ ...d, id: fromBase64url(d.id as string) }) as PublicKeyCredentialDescriptor)
    : undefined;
}

function creationOptions(json: Json): PublicKeyCredentialCreationOptions {
  const parse = (PublicKeyCredential as unknown as PublicKeyCredentialStatic).parseCreationOptionsFromJSON;
  if (parse) return parse(json);
  const user = json.user as Json;
  return {
    ...json,
    challenge: fromBase64url(json.challenge as string),
    user: { ...user, id: fromBase64url(user.id as string) },
    excludeCredentials: descriptors(json.excludeCredentials),
  } as PublicKeyCredentialCreationOptions;
}

function requestOptions(json: Json): PublicKeyCredentialRequestOptions {
  const parse = (PublicKeyCredential as unknown as PublicKeyCredentialStatic).parseRequestOptionsFromJSON;
  if (parse) return parse(json);
  return {
    ...json,
    challenge: fromBase64url(json.challenge as string),
    allowCredentials: descriptors(json.allowCredentials),
  } as PublicKeyCredentialRequestOptions;
}

/** The credential as the WebAuthn JSON the server reads (`RegistrationResponseJSON` / `AuthenticationResponseJSON`). */
function credentialJson(credential: PublicKeyCredential): Json {
  const own = (credential as PublicKeyCredential & { toJSON?: () => Json }).toJSON;
  if (typeof own === 'function') return own.call(credential);
  const response = credential.response as AuthenticatorAttestationResponse & AuthenticatorAssertionResponse;
  const encoded: Json = { clientDataJSON: toBase64url(response.clientDataJSON) };
  if (response.attestationObject) {
    encoded.attestationObject = toBase64url(response.attestationObject);
    encoded.transports = response.getTransports?.() ?? [];
  } else {
    encoded.authenticatorData = toBase64url(response.authenticatorData);
    encoded.signature = toBase64url(response.signature);
    if (response.userHandle) encoded.userHandle = toBase64url(response.userHandle);
  }
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: encoded,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

/**
 * Runs the browser's passkey dialog: `create` registers a new credential with the
 * server's creation options, `get` signs the server's challenge. Resolves to the
 * answer as JSON for the server; rejects with the browser's `DOMException` when the
 * user cancels (`NotAllowedError`) or the authenticator already holds a
 * credential for this account (`InvalidStateError`).
 */
export async function passkeyCeremony(kind: 'create' | 'get', options: object): Promise<Json> {
  const json = options as Json;
  const credential =
    kind === 'create'
      ? await navigator.credentials.create({ publicKey: creationOptions(json) })
      : await navigator.credentials.get({ publicKey: requestOptions(json) });
  if (!credential) throw new DOMException('No credential', 'NotAllowedError');
  return credentialJson(credential as PublicKeyCredential);
}
