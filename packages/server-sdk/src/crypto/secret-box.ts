import { fromBase64Url, toBase64Url, toHex, utf8 } from './encoding.ts';

/** The smallest `secret` accepted, in bytes of UTF-8. */
export const MIN_SECRET_BYTES = 32;

interface KeySet {
  id: string;
  aes: CryptoKey;
  hmac: CryptoKey;
}

const SALT = utf8.encode('mfakit/v1');

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
 * `v1.<key id>.<iv>.<ciphertext>`: the key id beside the ciphertext lets keys
 * rotate, the newest key seals, every listed key opens.
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

  async seal(plaintext: string): Promise<string> {
    const key = (await this.keys)[0] as KeySet;
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const aad = utf8.encode(key.id);
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aad },
      key.aes,
      utf8.encode(plaintext),
    );
    return `v1.${key.id}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
  }

  /** Opens a sealed value; `stale` is true when a newer key should re-seal it. */
  async open(sealed: string): Promise<{ plaintext: string; stale: boolean }> {
    const [version, keyId, iv, ciphertext] = sealed.split('.');
    const keys = await this.keys;
    const index = keys.findIndex((k) => k.id === keyId);
    const key = keys[index];
    if (version !== 'v1' || !key || iv === undefined || ciphertext === undefined) {
      throw new Error('A stored secret was sealed under a key that is not configured.');
    }
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: utf8.encode(key.id) },
      key.aes,
      fromBase64Url(ciphertext),
    );
    return { plaintext: new TextDecoder().decode(plaintext), stale: index > 0 };
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
