/**
 * A software authenticator for tests: real keys (ES256, EdDSA or RS256 from node:crypto),
 * a CBOR-encoded attestation object with `fmt: "none"`, authenticator data with the rpId
 * hash, flags, signature counter and attested credential data (a COSE key), and assertions
 * signed as WebAuthn signs them (ES256 as a DER ECDSA signature over authenticatorData ‖
 * SHA-256(clientDataJSON)). Nothing is mocked: the SDK verifies what this makes with
 * @simplewebauthn/server, as it would a browser's.
 *
 * Only node:crypto and standard APIs (TextEncoder, btoa), so the same file runs on Node,
 * Bun, Deno and workerd (with nodejs_compat).
 *
 * @example
 * const key = softwareAuthenticator({ algorithm: 'ES256' });
 * const { options } = (await post('/mfa/me/webauthn/registration')).body;
 * const response = key.register(options, { origin: 'http://localhost' });
 * await post('/mfa/me/webauthn/credentials', { response });
 * const assertion = key.authenticate((await post('/mfa/challenge/webauthn')).body.options, { origin });
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

export type Algorithm = 'ES256' | 'EdDSA' | 'RS256';

/** The COSE algorithm ids of each algorithm. */
export const COSE_ALGORITHM: Record<Algorithm, number> = { ES256: -7, EdDSA: -8, RS256: -257 };

// ── encodings ────────────────────────────────────────────────────────────────

const utf8 = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function uint(value: number, bytes: 2 | 4): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return out;
}

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

/** A CBOR value: what an attestation object and a COSE key are made of. */
export type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

function cborHead(major: number, length: number): Uint8Array {
  if (length < 24) return Uint8Array.of((major << 5) | length);
  if (length < 0x100) return Uint8Array.of((major << 5) | 24, length);
  if (length < 0x10000) return concat(Uint8Array.of((major << 5) | 25), uint(length, 2));
  return concat(Uint8Array.of((major << 5) | 26), uint(length, 4));
}

/** CBOR (RFC 8949) for the few types WebAuthn uses, maps in the order given (canonical for our keys). */
export function cbor(value: Cbor): Uint8Array {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = utf8.encode(value);
    return concat(cborHead(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concat(cborHead(2, value.length), value);
  if (Array.isArray(value)) return concat(cborHead(4, value.length), ...value.map(cbor));
  return concat(cborHead(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)]));
}

// ── keys ─────────────────────────────────────────────────────────────────────

function keyPair(algorithm: Algorithm): { privateKey: KeyObject; cose: Uint8Array } {
  if (algorithm === 'ES256') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map<number, Cbor>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, fromBase64url(jwk.x as string)],
      [-3, fromBase64url(jwk.y as string)],
    ]);
    return { privateKey, cose: cbor(cose) };
  }
  if (algorithm === 'EdDSA') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map<number, Cbor>([
      [1, 1], // kty: OKP
      [3, -8], // alg: EdDSA
      [-1, 6], // crv: Ed25519
      [-2, fromBase64url(jwk.x as string)],
    ]);
    return { privateKey, cose: cbor(cose) };
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = new Map<number, Cbor>([
    [1, 3], // kty: RSA
    [3, -257], // alg: RS256
    [-1, fromBase64url(jwk.n as string)],
    [-2, fromBase64url(jwk.e as string)],
  ]);
  return { privateKey, cose: cbor(cose) };
}

/** A WebAuthn signature: ES256 as DER (what WebAuthn expects), EdDSA raw, RS256 PKCS#1 v1.5. */
function signWith(algorithm: Algorithm, privateKey: KeyObject, data: Uint8Array): Uint8Array {
  if (algorithm === 'EdDSA') return new Uint8Array(sign(null, data, privateKey));
  // The key as PEM: workerd's node:crypto takes no KeyObject inside the options object.
  if (algorithm === 'ES256') {
    const key = privateKey.export({ format: 'pem', type: 'pkcs8' });
    return new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'der' }));
  }
  return new Uint8Array(sign('sha256', data, privateKey));
}

// ── the authenticator ────────────────────────────────────────────────────────

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface StoredCredential {
  id: string;
  algorithm: Algorithm;
  privateKey: KeyObject;
  rpId: string;
  /** The user handle the credential was made for (base64url). */
  userHandle: string;
  /** The signature counter: the next assertion sends `counter + 1` (unless `counting` is off). */
  counter: number;
}

export interface AuthenticatorOptions {
  /** The key type of the credentials it makes, default ES256. */
  algorithm?: Algorithm;
  /** Whether it keeps a signature counter (security keys) or always sends 0 (many passkeys). Default true. */
  counting?: boolean;
  /** Whether its credentials are synced passkeys (backup eligible and backed up). Default false. */
  backedUp?: boolean;
  /** The transports it reports, default `['usb']`. */
  transports?: string[];
}

/** What a ceremony may be told to get wrong, as an attacker's page or a faulty device would. */
export interface CeremonyOverrides {
  /** The origin in clientDataJSON (the page the browser ran the ceremony on). */
  origin: string;
  /** The rpId whose hash goes into authenticatorData, default the options' rpId. */
  rpId?: string;
  /** Another challenge than the options' (a replayed or forged one). */
  challenge?: string;
  /** Another type than `webauthn.create` / `webauthn.get`. */
  type?: string;
}

export interface AssertionOverrides extends CeremonyOverrides {
  /** The credential to assert with, default the first one the options allow that it holds. */
  credentialId?: string;
  /** The signature counter to send instead of the next one. */
  counter?: number;
  /** Sign other bytes than the ones sent (a forged signature). */
  corruptSignature?: boolean;
  /** Send this user handle instead of the credential's. */
  userHandle?: string;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { alg: number; type: string }[];
  excludeCredentials?: { id: string }[];
}
interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

/** A software authenticator: makes credentials and signs assertions with real keys. */
export function softwareAuthenticator(options: AuthenticatorOptions = {}) {
  const algorithm = options.algorithm ?? 'ES256';
  const counting = options.counting ?? true;
  const backedUp = options.backedUp ?? false;
  const transports = options.transports ?? ['usb'];
  const credentials = new Map<string, StoredCredential>();

  const clientData = (type: string, challenge: string, origin: string) =>
    utf8.encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  const flags = (attested: boolean) =>
    FLAG_UP | FLAG_UV | (backedUp ? FLAG_BE | FLAG_BS : 0) | (attested ? FLAG_AT : 0);

  return {
    algorithm,
    credentials,

    /** `navigator.credentials.create()` and `credential.toJSON()`: a RegistrationResponseJSON. */
    register(creation: CreationOptions, overrides: CeremonyOverrides) {
      const rpId = overrides.rpId ?? creation.rp.id ?? new URL(overrides.origin).hostname;
      if (!creation.pubKeyCredParams.some((p) => p.alg === COSE_ALGORITHM[algorithm])) {
        throw new Error(`the options do not offer ${algorithm}`);
      }
      if (creation.excludeCredentials?.some((c) => credentials.has(c.id))) {
        throw new Error('InvalidStateError: this authenticator holds an excluded credential');
      }
      const { privateKey, cose } = keyPair(algorithm);
      const rawId = new Uint8Array(randomBytes(32));
      const id = base64url(rawId);
      const authData = concat(
        sha256(utf8.encode(rpId)),
        Uint8Array.of(flags(true)),
        uint(0, 4),
        new Uint8Array(16), // AAGUID: none, as with attestation "none"
        uint(rawId.length, 2),
        rawId,
        cose,
      );
      const attestationObject = cbor(
        new Map<string, Cbor>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]),
      );
      credentials.set(id, { id, algorithm, privateKey, rpId, userHandle: creation.user.id, counter: 0 });
      return {
        id,
        rawId: id,
        type: 'public-key' as const,
        response: {
          clientDataJSON: base64url(
            clientData(
              overrides.type ?? 'webauthn.create',
              overrides.challenge ?? creation.challenge,
              overrides.origin,
            ),
          ),
          attestationObject: base64url(attestationObject),
          transports,
        },
        authenticatorAttachment: 'cross-platform' as const,
        clientExtensionResults: {},
      };
    },

    /** `navigator.credentials.get()` and `credential.toJSON()`: an AuthenticationResponseJSON. */
    authenticate(request: RequestOptions, overrides: AssertionOverrides) {
      const allowed = request.allowCredentials?.map((c) => c.id) ?? [...credentials.keys()];
      const id = overrides.credentialId ?? allowed.find((c) => credentials.has(c));
      const credential = id === undefined ? undefined : credentials.get(id);
      if (!credential) throw new Error('NotAllowedError: no credential this authenticator holds is allowed');
      const rpId = overrides.rpId ?? request.rpId ?? credential.rpId;
      const counter = overrides.counter ?? (counting ? credential.counter + 1 : 0);
      credential.counter = Math.max(credential.counter, counter);
      const authenticatorData = concat(
        sha256(utf8.encode(rpId)),
        Uint8Array.of(flags(false)),
        uint(counter, 4),
      );
      const clientDataJSON = clientData(
        overrides.type ?? 'webauthn.get',
        overrides.challenge ?? request.challenge,
        overrides.origin,
      );
      const signed = concat(authenticatorData, sha256(clientDataJSON));
      if (overrides.corruptSignature) signed[0] = (signed[0] ?? 0) ^ 0xff;
      const signature = signWith(credential.algorithm, credential.privateKey, signed);
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key' as const,
        response: {
          clientDataJSON: base64url(clientDataJSON),
          authenticatorData: base64url(authenticatorData),
          signature: base64url(signature),
          userHandle: overrides.userHandle ?? credential.userHandle,
        },
        clientExtensionResults: {},
      };
    },
  };
}

export type SoftwareAuthenticator = ReturnType<typeof softwareAuthenticator>;
