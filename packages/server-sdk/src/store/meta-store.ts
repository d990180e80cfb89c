/**
 * mfakit's own bookkeeping (the key check, rotations).
 *
 * Atomic guarantees: `putMeta` writes only when the stored value equals `expected`; of
 * concurrent writers with the same expectation exactly one succeeds. Conformance:
 * testing/meta.ts.
 */
export interface MetaStore {
  /** A value of mfakit's own bookkeeping (such as the key check), or `null`. */
  getMeta(key: string): Promise<string | null>;
  /** Writes `value` if the stored value is `expected` (`null`: none stored); true when it wrote. */
  putMeta(key: string, value: string, expected: string | null): Promise<boolean>;
}
