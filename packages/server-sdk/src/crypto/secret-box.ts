import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { MfaConfigError } from '../errors.ts';
import { fromBase64Url, toBase64Url, toHex, utf8 } from './encoding.ts';

/** The smallest `secret` accepted, in bytes of UTF-8. */
export const MIN_SECRET_BYTES = 32;

interface KeySet {
  id: string;
  aes: Uint8Array;
  hmac: Uint8Array;
  /** Hashes remembered devices' tokens: a key of its own, so no token hash is a recovery code's. */
  device: Uint8Array;
}

const SALT = utf8.encode('mfakit/v1');
const IV_BYTES = 12;
const decoder = new TextDecoder();
const TAG_BYTES = 16;

/** The format `seal` writes: the key id and the context bound as associated data. */
const SEALED_VERSION = 'v2';

/** `<key id> NUL <context>`: a NUL cannot occur in a key id, so no two pairs give the same bytes. */
const associatedData = (keyId: string, context: string) => utf8.encode(`${keyId}\u0000${context}`);

/** HKDF-SHA-256 of the configured secret, one key per purpose (the same bytes WebCrypto's HKDF gives). */
function deriveKeySet(secret: string): KeySet {
  const hkdf = (info: string, bytes: number) =>
    new Uint8Array(hkdfSync('sha256', utf8.encode(secret), SALT, utf8.encode(info), bytes));
  return {
    id: toHex(hkdf('mfakit/key-id', 6)),
    aes: hkdf('mfakit/aes-256-gcm', 32),
    hmac: hkdf('mfakit/hmac-sha-256', 32),
    device: hkdf('mfakit/remembered-device', 32),
  };
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
 * `v2.<key id>.<iv>.<ciphertext and tag>`: the key id beside the ciphertext lets
 * keys rotate, the newest key seals, every listed key opens.
 *
 * The key id and a `context` (the user id the secret belongs to) are bound as
 * associated data, so a sealed secret opens only for the user it was sealed for:
 * a database writer who copies one user's sealed secret onto another user's row
 * gets a secret that does not open. Values of the first format (`v1`, key id only)
 * still open, as `stale`, so that they are re-sealed under this format.
 *
 * Synchronous, on `node:crypto` (which Node, Bun, Deno and Workers with
 * `nodejs_compat` provide): a challenge waits on no thread pool for its crypto.
 */
export class SecretBox {
  private readonly keys: KeySet[];

  /** @param secrets newest first */
  constructor(secrets: readonly string[]) {
    this.keys = secrets.map(deriveKeySet);
  }

  /** The id of the newest key, which seals and hashes. */
  currentKeyId(): string {
    return (this.keys[0] as KeySet).id;
  }

  /** Whether a sealed value is sealed in the current format under the key `keyId`. */
  static isCurrent(sealed: string, keyId: string): boolean {
    return sealed.startsWith(`${SEALED_VERSION}.${keyId}.`);
  }

  /** Seals `plaintext` for `context` (the user it belongs to) under the newest key. */
  seal(plaintext: string, context: string): string {
    const key = this.keys[0] as KeySet;
    const iv = new Uint8Array(randomBytes(IV_BYTES));
    const cipher = createCipheriv('aes-256-gcm', key.aes, iv);
    cipher.setAAD(associatedData(key.id, context));
    const body = cipher.update(utf8.encode(plaintext));
    const final = cipher.final();
    const tag = cipher.getAuthTag();
    const sealed = new Uint8Array(body.length + final.length + tag.length);
    sealed.set(body, 0);
    sealed.set(final, body.length);
    sealed.set(tag, body.length + final.length);
    return `${SEALED_VERSION}.${key.id}.${toBase64Url(iv)}.${toBase64Url(sealed)}`;
  }

  /**
   * Opens a value sealed for `context`; `stale` is true when it should be sealed
   * again (under a newer key, or in the current format). Throws when no configured
   * key opens it, or it was sealed for another context.
   */
  open(sealed: string, context: string): { plaintext: string; stale: boolean } {
    const [version, keyId, ivText, ciphertextText] = sealed.split('.');
    const index = this.keys.findIndex((k) => k.id === keyId);
    const key = this.keys[index];
    const known = version === SEALED_VERSION || version === 'v1';
    if (!known || !key || ivText === undefined || ciphertextText === undefined) {
      throw new Error('A stored secret was sealed under a key that is not configured.');
    }
    const iv = fromBase64Url(ivText);
    const data = fromBase64Url(ciphertextText);
    if (iv.length !== IV_BYTES || data.length < TAG_BYTES) throw new Error('A stored secret is malformed.');
    const decipher = createDecipheriv('aes-256-gcm', key.aes, iv);
    decipher.setAAD(version === 'v1' ? utf8.encode(key.id) : associatedData(key.id, context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const head = decipher.update(data.subarray(0, data.length - TAG_BYTES));
    const tail = decipher.final(); // throws when the tag does not authenticate
    const bytes = new Uint8Array(head.length + tail.length);
    bytes.set(head, 0);
    bytes.set(tail, head.length);
    return { plaintext: decoder.decode(bytes), stale: index > 0 || version === 'v1' };
  }

  /** The keyed hash of a value under the newest key. */
  hash(value: string): string {
    return this.hashUnder(this.keys[0] as KeySet, value);
  }

  /** The keyed hashes of a value under every configured key, newest first. */
  hashes(value: string): string[] {
    return this.keys.map((key) => this.hashUnder(key, value));
  }

  /**
   * The keyed hash of a remembered device's token under the newest key: what is stored,
   * and what an instance remembers a device by.
   */
  deviceHash(token: string): string {
    return this.hashUnder(this.keys[0] as KeySet, token, 'device');
  }

  /**
   * The token's keyed hashes under every configured key, newest first: a device remembered
   * before a new key was put first is still found (and hashed again under it on its next
   * use); once its key is removed from `secret`, it is not found any more.
   */
  deviceHashes(token: string): string[] {
    return this.keys.map((key) => this.hashUnder(key, token, 'device'));
  }

  private hashUnder(key: KeySet, value: string, purpose: 'hmac' | 'device' = 'hmac'): string {
    const mac = createHmac('sha256', key[purpose]).update(value, 'utf8').digest();
    return `${key.id}.${toBase64Url(new Uint8Array(mac))}`;
  }
}
