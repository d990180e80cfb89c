import { describe, expect, it } from 'vitest';
import { sealV1 } from '../../test/upgrade.ts';
import { MfaConfigError } from '../errors.ts';
import { fromBase64Url, toBase64Url, utf8 } from './encoding.ts';
import { checkSecrets, MIN_SECRET_BYTES, SecretBox } from './secret-box.ts';

const OLD = 'the-old-secret-of-at-least-32-bytes!!';
const NEW = 'the-new-secret-of-at-least-32-bytes!!';
const PLAINTEXT = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** The user a secret is sealed for (bound as associated data). */
const USER = 'ada';

/** Flips one bit of a base64url field of a sealed value. */
function flipBit(sealed: string, field: 2 | 3, byte = 0): string {
  const parts = sealed.split('.');
  const bytes = fromBase64Url(parts[field] as string);
  bytes[byte] = (bytes[byte] as number) ^ 1;
  parts[field] = toBase64Url(bytes);
  return parts.join('.');
}

describe('SecretBox binds the user a secret belongs to', () => {
  const box = new SecretBox([NEW]);

  it('opens a sealed secret only for the user it was sealed for', async () => {
    const sealed = await box.seal(PLAINTEXT, 'ada');
    expect((await box.open(sealed, 'ada')).plaintext).toBe(PLAINTEXT);
    // A database writer who copies ada's sealed secret onto max's row gets nothing that opens.
    expect(() => box.open(sealed, 'max')).toThrow();
    expect(() => box.open(sealed, '')).toThrow();
    expect(() => box.open(sealed, 'ada\u0000')).toThrow();
  });

  it('still opens a value of the first format (key id only), as stale so that it is sealed again', async () => {
    const old = await sealV1(NEW, PLAINTEXT);
    expect(await box.open(old, 'ada')).toStrictEqual({ plaintext: PLAINTEXT, stale: true });
    expect(SecretBox.isCurrent(old, await box.currentKeyId())).toBe(false);
    const resealed = await box.seal(PLAINTEXT, 'ada');
    expect(SecretBox.isCurrent(resealed, await box.currentKeyId())).toBe(true);
    expect(await box.open(resealed, 'ada')).toStrictEqual({ plaintext: PLAINTEXT, stale: false });
  });
});

describe('SecretBox seal and open', () => {
  const box = new SecretBox([NEW]);

  it.each([
    ['a TOTP secret', PLAINTEXT],
    ['the empty string', ''],
    ['non-ASCII text', 'Grüße, 世界 🔐'],
    ['a long value', 'x'.repeat(10_000)],
  ])('round-trips %s', async (_name, plaintext) => {
    const sealed = await box.seal(plaintext, USER);
    expect(await box.open(sealed, USER)).toStrictEqual({ plaintext, stale: false });
  });

  it('seals as v2.<key id>.<iv>.<ciphertext> with a 96-bit IV', async () => {
    const sealed = await box.seal(PLAINTEXT, USER);
    expect(sealed).toMatch(/^v2\.[0-9a-f]{12}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    const [, keyId, iv, ciphertext] = sealed.split('.') as [string, string, string, string];
    expect(keyId).toBe(await box.currentKeyId());
    expect(fromBase64Url(iv)).toHaveLength(12);
    // AES-GCM: as long as the plaintext plus a 16-byte tag.
    expect(fromBase64Url(ciphertext)).toHaveLength(utf8.encode(PLAINTEXT).length + 16);
  });

  it('does not contain the plaintext, in clear or in base64', async () => {
    const sealed = await box.seal(PLAINTEXT, USER);
    expect(sealed).not.toContain(PLAINTEXT);
    expect(sealed).not.toContain(toBase64Url(utf8.encode(PLAINTEXT)));
    expect(sealed.toLowerCase()).not.toContain(PLAINTEXT.toLowerCase());
  });

  it('seals the same plaintext differently each time (random IV)', async () => {
    const sealed = await Promise.all(Array.from({ length: 20 }, () => box.seal(PLAINTEXT, USER)));
    expect(new Set(sealed).size).toBe(20);
    expect(new Set(sealed.map((s) => s.split('.')[2])).size).toBe(20);
    for (const s of sealed) expect((await box.open(s, USER)).plaintext).toBe(PLAINTEXT);
  });

  it('derives the same key from the same secret (values survive a restart)', async () => {
    const sealed = await box.seal(PLAINTEXT, USER);
    const restarted = new SecretBox([NEW]);
    expect(await restarted.currentKeyId()).toBe(await box.currentKeyId());
    expect(await restarted.open(sealed, USER)).toStrictEqual({ plaintext: PLAINTEXT, stale: false });
  });

  it('does not expose the secret through the key id', async () => {
    const id = await box.currentKeyId();
    expect(NEW).not.toContain(id);
    expect(id).not.toBe(await new SecretBox([OLD]).currentKeyId());
  });
});

describe('SecretBox refuses what it should not open', () => {
  const box = new SecretBox([NEW]);

  it('fails on a tampered ciphertext', async () => {
    const sealed = await box.seal(PLAINTEXT, USER);
    expect(() => box.open(flipBit(sealed, 3), USER)).toThrow();
    expect(() => box.open(flipBit(sealed, 3, utf8.encode(PLAINTEXT).length + 15), USER)).toThrow();
  });

  it('fails on a tampered IV', async () => {
    expect(() => box.open(flipBit(box.seal(PLAINTEXT, USER), 2), USER)).toThrow();
  });

  it('fails on a truncated ciphertext', async () => {
    const sealed = await box.seal(PLAINTEXT, USER);
    expect(() => box.open(sealed.slice(0, -4), USER)).toThrow();
  });

  it('fails on a tampered key id', async () => {
    const sealed = await box.seal(PLAINTEXT, USER);
    const [version, keyId, iv, ciphertext] = sealed.split('.') as [string, string, string, string];
    const otherId = `${keyId.slice(0, -1)}${keyId.endsWith('0') ? '1' : '0'}`;
    expect(() => box.open([version, otherId, iv, ciphertext].join('.'), USER)).toThrow();
  });

  it('fails when the key id is swapped for another configured key', async () => {
    const rotated = new SecretBox([NEW, OLD]);
    const sealed = await rotated.seal(PLAINTEXT, USER);
    const oldId = await new SecretBox([OLD]).currentKeyId();
    const [version, , iv, ciphertext] = sealed.split('.') as [string, string, string, string];
    expect(() => rotated.open([version, oldId, iv, ciphertext].join('.'), USER)).toThrow();
  });

  it('fails on another version or a malformed value', async () => {
    const sealed = await box.seal(PLAINTEXT, USER);
    expect(() => box.open(sealed.replace(/^v2\./, 'v3.'), USER)).toThrow();
    expect(() => box.open('', USER)).toThrow();
    expect(() => box.open(PLAINTEXT, USER)).toThrow();
    expect(() => box.open(sealed.split('.').slice(0, 3).join('.'), USER)).toThrow();
  });

  it('cannot open with a different secret', async () => {
    const sealed = await new SecretBox([OLD]).seal(PLAINTEXT, USER);
    expect(() => box.open(sealed, USER)).toThrow();
  });
});

describe('SecretBox key rotation', () => {
  it('opens values sealed under the old key, reports them stale, and seals under the new key', async () => {
    const oldBox = new SecretBox([OLD]);
    const newOnly = new SecretBox([NEW]);
    const rotated = new SecretBox([NEW, OLD]);
    const oldSealed = await oldBox.seal(PLAINTEXT, USER);

    expect(await rotated.open(oldSealed, USER)).toStrictEqual({ plaintext: PLAINTEXT, stale: true });

    const newId = await newOnly.currentKeyId();
    expect(newId).not.toBe(await oldBox.currentKeyId());
    expect(await rotated.currentKeyId()).toBe(newId);
    const resealed = await rotated.seal(PLAINTEXT, USER);
    expect(resealed.split('.')[1]).toBe(newId);
    expect(await rotated.open(resealed, USER)).toStrictEqual({ plaintext: PLAINTEXT, stale: false });
    expect(await newOnly.open(resealed, USER)).toStrictEqual({ plaintext: PLAINTEXT, stale: false });
  });

  it('needs the old key listed to open old values', async () => {
    const oldSealed = await new SecretBox([OLD]).seal(PLAINTEXT, USER);
    expect(() => new SecretBox([NEW]).open(oldSealed, USER)).toThrow();
  });

  it('an instance still on the old key cannot open values sealed under the new one', async () => {
    const newSealed = await new SecretBox([NEW, OLD]).seal(PLAINTEXT, USER);
    expect(() => new SecretBox([OLD]).open(newSealed, USER)).toThrow();
  });
});

describe('SecretBox hashes', () => {
  it('are deterministic per key', async () => {
    const a = new SecretBox([NEW]);
    const b = new SecretBox([NEW]);
    expect(await a.hash('abcde-fghij')).toBe(await a.hash('abcde-fghij'));
    expect(await a.hash('abcde-fghij')).toBe(await b.hash('abcde-fghij'));
  });

  it('differ across keys and across values', async () => {
    const a = new SecretBox([NEW]);
    const b = new SecretBox([OLD]);
    expect(await a.hash('abcde-fghij')).not.toBe(await b.hash('abcde-fghij'));
    expect(await a.hash('abcde-fghij')).not.toBe(await a.hash('abcde-fghik'));
  });

  it('are keyed HMAC-SHA-256 values tagged with the key id, without the value in them', async () => {
    const box = new SecretBox([NEW]);
    const hash = await box.hash('abcde-fghij');
    const [keyId, mac] = hash.split('.') as [string, string];
    expect(keyId).toBe(await box.currentKeyId());
    expect(fromBase64Url(mac)).toHaveLength(32);
    expect(hash).not.toContain('abcde');
    // Not a plain SHA-256 of the value: the key matters.
    const plain = toBase64Url(
      new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode('abcde-fghij'))),
    );
    expect(mac).not.toBe(plain);
  });

  it('hashes gives one per key, newest first, each equal to that key alone', async () => {
    const rotated = new SecretBox([NEW, OLD]);
    const hashes = await rotated.hashes('abcde-fghij');
    expect(hashes).toHaveLength(2);
    expect(hashes).toStrictEqual([
      await new SecretBox([NEW]).hash('abcde-fghij'),
      await new SecretBox([OLD]).hash('abcde-fghij'),
    ]);
    expect(await rotated.hash('abcde-fghij')).toBe(hashes[0]);
    expect(await new SecretBox([NEW]).hashes('abcde-fghij')).toHaveLength(1);
  });
});

describe('checkSecrets', () => {
  const exactly32 = 'x'.repeat(MIN_SECRET_BYTES);

  it('is 32 bytes', () => {
    expect(MIN_SECRET_BYTES).toBe(32);
  });

  it.each([
    ['undefined', undefined],
    ['an empty list', []],
    ['an empty string', ''],
    ['31 bytes', 'x'.repeat(31)],
    ['a list with one short secret', [exactly32, 'short']],
    ['10 three-byte characters (30 bytes)', '€'.repeat(10)],
    ['a non-string in the list', [exactly32, 42 as unknown as string]],
  ])('rejects %s with MfaConfigError', (_name, secret) => {
    expect(() => checkSecrets(secret as string | string[] | undefined)).toThrow(MfaConfigError);
  });

  it.each([
    ['exactly 32 bytes', exactly32, [exactly32]],
    ['11 three-byte characters (33 bytes)', '€'.repeat(11), ['€'.repeat(11)]],
    ['a list, order kept', [NEW, OLD], [NEW, OLD]],
  ])('accepts %s', (_name, secret, expected) => {
    expect(checkSecrets(secret)).toStrictEqual(expected);
  });

  it('names the option in its message and never echoes the secret', () => {
    const short = 'my-short-secret';
    try {
      checkSecrets(short);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MfaConfigError);
      expect((error as Error).name).toBe('MfaConfigError');
      expect((error as Error).message).toContain('secret');
      expect((error as Error).message).not.toContain(short);
    }
  });
});
