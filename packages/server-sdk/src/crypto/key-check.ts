import { MfaConfigError } from '../errors.ts';
import type { MfaStore } from '../store/store.ts';
import type { SecretBox } from './secret-box.ts';

/** The store's meta key of the key check. */
export const KEY_CHECK_META = 'key_check';
const KEY_CHECK_PLAINTEXT = 'mfakit key check v1';
/** What the key check is sealed for: no user id looks like it. */
const KEY_CHECK_CONTEXT = 'mfakit:key-check';

/**
 * Proves at start-up that the configured `secret` is the one the store was
 * written with, so a wrong key fails loudly here rather than as `unavailable`
 * on the first verification. The first start seals a known value under the
 * newest key; every later start opens it with the configured keys, and re-seals
 * it under the newest when an older one opened it (a rotation in progress).
 *
 * Throws `MfaConfigError` when no configured key opens the stored check; any
 * other error is the store's.
 */
export async function checkKeys(store: MfaStore, box: SecretBox): Promise<void> {
  await store.migrate();
  let stored = await store.getMeta(KEY_CHECK_META);
  if (stored === null) {
    if (await store.putMeta(KEY_CHECK_META, box.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT), null)) return;
    // Another instance wrote it first (possibly under another key): check theirs.
    stored = await store.getMeta(KEY_CHECK_META);
    if (stored === null) throw new Error('mfakit: the key check vanished from the store.');
  }
  let opened: { plaintext: string; stale: boolean } | null = null;
  try {
    opened = box.open(stored, KEY_CHECK_CONTEXT);
  } catch {
    // A key that is not configured, or a value that does not authenticate: reported below.
  }
  if (opened?.plaintext !== KEY_CHECK_PLAINTEXT) {
    const keyId = stored.split('.')[1] ?? '?';
    throw new MfaConfigError(
      `createMfa: none of the configured keys (\`secret\`) opens this store's key check, sealed under key id ${keyId}: ` +
        'the store was written with another secret. Configure that secret, or list it after the new one to rotate keys.',
    );
  }
  if (opened.stale) {
    // Losing this race to another instance is fine: whoever won sealed it under a key of theirs.
    await store.putMeta(KEY_CHECK_META, box.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT), stored);
  }
}
