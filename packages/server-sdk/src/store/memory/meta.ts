import type { MetaStore } from '../meta-store.ts';
import type { MemoryState } from './state.ts';

/** mfakit's own bookkeeping. In memory: each method runs to completion without an `await` between its read and its write. */
export function metaMethods(mem: MemoryState): MetaStore {
  return {
    async getMeta(key) {
      return mem.meta.get(key) ?? null;
    },
    async putMeta(key, value, expected) {
      if ((mem.meta.get(key) ?? null) !== expected) return false;
      mem.meta.set(key, value);
      return true;
    },
  };
}
