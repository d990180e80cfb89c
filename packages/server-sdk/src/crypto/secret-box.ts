import { fromBase64Url, toBase64Url, toHex, utf8 } from './encoding.ts';

/** The smallest `secret` accepted, in bytes of UTF-8. */
export const MIN_SECRET_BYTES = 32;

interface KeySet {
  id: string;
  aes: CryptoKey;
  hmac: CryptoKey;
}

const SALT = utf8.encode('mfakit/v1');

/** The format `seal` writes: the key id and the context bound as associated data. */
const SEALED_VERSION = 'v2';

/** `<key id> NUL <context>`: a NUL cannot occur in a key id, so no two pairs give the same bytes. */
const associatedData = (keyId: string, context: string) => utf8.encode(`${keyId}\u0000${context}`);

async function deriveKeySet(secret: string): Promise<KeySet> {
  const material = await crypto.subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ]);
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info: utf8.encode(info) });
  const [aes, hmac, idBits] = await Promise.all([
    crypto.subtle.deriveKey(hkdf('mfakit/aes-256-gcm'), material, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]),
    crypto.subtle.deriveKey(
      hkdf('mfakit/hmac-sha-256'),
      material,
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      false,
      ['sign'],
    ),
    crypto.subtle.deriveBits(hkdf('mfakit/key-id'), material, 48),
  ]);
  return { id: toHex(new Uint8Array(idBits)), aes, hmac };
}

/** Thrown at start-up when the configured secret cannot be used. */
export class MfaConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MfaConfigError';
  }
}

export function checkSecrets(secret: string | readonly string[] | undefined): string[] {
  // Hosts without TypeScript may pass anything (a Buffer, a number): that is a config error too.
  const secrets: unknown[] =
    typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...(secret as unknown[])] : [];
  if (secrets.length === 0) {
    throw new MfaConfigError('createMfa: `secret` is required: a string of at least 32 bytes, or a list.');
  }
  for (const s of secrets) {
    if (typeof s !== 'string' || utf8.encode(s).length < MIN_SECRET_BYTES) {
      throw new MfaConfigError(`createMfa: every \`secret\` must be at least ${MIN_SECRET_BYTES} bytes.`);
    }
  }
  return secrets as string[];
}

/**
 * Seals and opens factor secrets (AES-256-GCM, key from HKDF-SHA-256 of the
 * configured secret) and hashes recovery codes (HMAC-SHA-256). Sealed values are
 * `v2.<key id>.<iv>.<ciphertext>`: the key id beside the ciphertext lets keys
 * rotate, the newest key seals, every listed key opens.
 *
 * The key id and a `context` (the user id the secret belongs to) are bound as
 * associated data, so a sealed secret opens only for the user it was sealed for:
 * a database writer who copies one user's sealed secret onto another user's row
 * gets a secret that does not open. Values of the first format (`v1`, key id only)
 * still open, as `stale`, so that they are re-sealed under this format.
 */
export class SecretBox {
  private readonly keys: Promise<KeySet[]>;

  /** @param secrets newest first */
  constructor(secrets: readonly string[]) {
    this.keys = Promise.all(secrets.map(deriveKeySet));
  }

  async currentKeyId(): Promise<string> {
    return (await this.keys)[0]?.id as string;
  }

  /** Whether a sealed value is sealed in the current format under the key `keyId`. */
  static isCurrent(sealed: string, keyId: string): boolean {
    return sealed.startsWith(`${SEALED_VERSION}.${keyId}.`);
  }

  /** Seals `plaintext` for `context` (the user it belongs to) under the newest key. */
  async seal(plaintext: string, context: string): Promise<string> {
    const key = (await this.keys)[0] as KeySet;
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: associatedData(key.id, context) },
      key.aes,
      utf8.encode(plaintext),
    );
    return `${SEALED_VERSION}.${key.id}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
  }

  /**
   * Opens a value sealed for `context`; `stale` is true when it should be sealed
   * again (under a newer key, or in the current format). Throws when no configured
   * key opens it, or it was sealed for another context.
   */
  async open(sealed: string, context: string): Promise<{ plaintext: string; stale: boolean }> {
    const [version, keyId, iv, ciphertext] = sealed.split('.');
    const keys = await this.keys;
    const index = keys.findIndex((k) => k.id === keyId);
    const key = keys[index];
    const known = version === SEALED_VERSION || version === 'v1';
    if (!known || !key || iv === undefined || ciphertext === undefined) {
      throw new Error('A stored secret was sealed under a key that is not configured.');
    }
    const aad = version === 'v1' ? utf8.encode(key.id) : associatedData(key.id, context);
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: aad },
      key.aes,
      fromBase64Url(ciphertext),
    );
    return { plaintext: new TextDecoder().decode(plaintext), stale: index > 0 || version === 'v1' };
  }

  /** The keyed hash of a value under the newest key. */
  async hash(value: string): Promise<string> {
    return (await this.hashes(value))[0] as string;
  }

  /** The keyed hashes of a value under every configured key, newest first. */
  async hashes(value: string): Promise<string[]> {
    const keys = await this.keys;
    return Promise.all(
      keys.map(async (key) => {
        const mac = await crypto.subtle.sign('HMAC', key.hmac, utf8.encode(value));
        return `${key.id}.${toBase64Url(new Uint8Array(mac))}`;
      }),
    );
  }
}
