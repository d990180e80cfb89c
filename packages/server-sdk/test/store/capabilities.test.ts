/**
 * The store interface by capability: every store mfakit ships has every method, and a
 * host's own store that lacks some is refused at start-up with what to add, by capability.
 */
import { describe, expect, it } from 'vitest';
import { MfaConfigError } from '../../src/index.ts';
import { memoryStore } from '../../src/store/memory.ts';
import { missingStoreMethods, storeCapabilities } from '../../src/store/store.ts';
import { createHarness, storeFactories } from '../support.ts';

describe('store capabilities', () => {
  it.each(storeFactories)('the %s store has every capability', (_name, makeStore) => {
    expect(missingStoreMethods(makeStore())).toEqual({});
  });

  it('names what a store lacks, by capability', () => {
    const { forfeitGrace: _grace, listAudit: _audit, ...older } = memoryStore();
    expect(missingStoreMethods(older)).toEqual({ grace: ['forfeitGrace'], audit: ['listAudit'] });
    expect(missingStoreMethods({})).toEqual(
      Object.fromEntries(Object.entries(storeCapabilities).map(([name, methods]) => [name, [...methods]])),
    );
  });

  it('refuses such a store at start-up, saying what to add', () => {
    const { forfeitGrace: _grace, ...older } = memoryStore();
    expect(() => createHarness({ store: older as ReturnType<typeof memoryStore> })).toThrow(MfaConfigError);
    expect(() => createHarness({ store: older as ReturnType<typeof memoryStore> })).toThrow(
      /the store lacks methods \(grace: forfeitGrace\)/,
    );
  });
});
