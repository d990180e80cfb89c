import type { MfaContext } from '../core/context.ts';
import { SecretBox } from '../crypto/secret-box.ts';

/** What `rotateKeys` did, and what still needs an older key. */
export interface KeyRotationReport {
  /** The id of the newest key (the first `secret`), which now seals every readable factor. */
  keyId: string;
  /** Factors sealed under an older key (or format), now sealed under the newest. */
  factorsResealed: number;
  /** Factors no configured key opens: their users cannot verify until an administrator resets them. */
  factorsUnreadable: number;
  /**
   * Users whose unused recovery codes were hashed under an older key. Codes cannot be
   * re-hashed (only their hashes are stored): they work while that key stays listed,
   * and the users get new ones by regenerating them in their profile.
   */
  recoveryCodesUnderOlderKeys: number;
  /** False once nothing needs an older key: it may then be removed from `secret`. */
  olderKeysInUse: boolean;
}

/**
 * Re-seals every factor secret that an older key (or the first format) sealed under
 * the newest key, a page at a time, and says what still depends on older keys.
 * A re-seal writes only over the secret it read: a factor enrolled meanwhile stays.
 */
export async function rotateKeys(ctx: MfaContext): Promise<KeyRotationReport> {
  const keyId = ctx.box.currentKeyId();
  let factorsResealed = 0;
  let factorsUnreadable = 0;
  const page = 500;
  for (let after: string | null = null; ; ) {
    const factors = await ctx.store.listTotpSecrets(after, page);
    for (const { userId, secret } of factors) {
      if (SecretBox.isCurrent(secret, keyId)) continue;
      let plaintext: string;
      try {
        plaintext = ctx.box.open(secret, userId).plaintext;
      } catch {
        factorsUnreadable++;
        continue;
      }
      if (await ctx.store.updateTotpSecret(userId, ctx.box.seal(plaintext, userId), secret))
        factorsResealed++;
    }
    if (factors.length < page) break;
    after = factors[factors.length - 1]?.userId ?? null;
  }
  let recoveryCodesUnderOlderKeys = 0;
  for (const [key, users] of await ctx.store.countRecoveryCodeUsersByKey()) {
    if (key !== keyId) recoveryCodesUnderOlderKeys += users;
  }
  return {
    keyId,
    factorsResealed,
    factorsUnreadable,
    recoveryCodesUnderOlderKeys,
    olderKeysInUse: recoveryCodesUnderOlderKeys > 0,
  };
}
