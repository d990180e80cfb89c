/** The store conformance suite: bookkeeping values. */
import { describe, expect, it } from 'vitest';
import { type ConformanceContext, countTrue, times } from './context.ts';

export function metaConformance(t: ConformanceContext): void {
  const { id } = t;
  describe('meta', () => {
    it('has no value before the first write, and inserts with expected null exactly once', async () => {
      expect(await t.store.getMeta(id('key'))).toBeNull();
      expect(await t.store.putMeta(id('key'), 'first', null)).toBe(true);
      expect(await t.store.getMeta(id('key'))).toBe('first');
      expect(await t.store.putMeta(id('key'), 'second', null)).toBe(false);
      expect(await t.store.getMeta(id('key'))).toBe('first');
    });

    it('replaces a value only from the expected one, and keeps keys apart', async () => {
      await t.store.putMeta(id('key'), 'v1', null);
      await t.store.putMeta(id('other'), 'o1', null);
      expect(await t.store.putMeta(id('key'), 'v2', 'stale')).toBe(false);
      expect(await t.store.getMeta(id('key'))).toBe('v1');
      expect(await t.store.putMeta(id('key'), 'v2', 'v1')).toBe(true);
      expect(await t.store.getMeta(id('key'))).toBe('v2');
      expect(await t.store.putMeta(id('missing'), 'x', 'v1')).toBe(false);
      expect(await t.store.getMeta(id('missing'))).toBeNull();
      expect(await t.store.getMeta(id('other'))).toBe('o1');
    });

    it('keeps a long value exactly, and keeps it through migrate', async () => {
      const value = `v1.${'a'.repeat(12)}.${'b'.repeat(16)}.${'c-_'.repeat(40)}`;
      await t.store.putMeta(id('key'), value, null);
      await t.store.migrate();
      expect(await t.store.getMeta(id('key'))).toBe(value);
    });

    it('lets exactly one of 20 concurrent first writers win, and keeps its value', async () => {
      const won = await times(20, (i) => t.store.putMeta(id('key'), `value-${i}`, null));
      expect(countTrue(won)).toBe(1);
      expect(await t.store.getMeta(id('key'))).toBe(`value-${won.indexOf(true)}`);
    });

    it('lets exactly one of 20 concurrent writers with the same expectation win', async () => {
      await t.store.putMeta(id('key'), 'old', null);
      const won = await times(20, (i) => t.store.putMeta(id('key'), `new-${i}`, 'old'));
      expect(countTrue(won)).toBe(1);
      expect(await t.store.getMeta(id('key'))).toBe(`new-${won.indexOf(true)}`);
    });
  });
}
