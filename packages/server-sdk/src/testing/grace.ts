/** The store conformance suite: grace periods. */
import { describe, expect, it } from 'vitest';
import { type ConformanceContext, later, T0 } from './context.ts';

export function graceConformance(t: ConformanceContext): void {
  const { id } = t;
  describe('grace', () => {
    it('startGrace keeps the first start, per account and user', async () => {
      expect(await t.store.startGrace(id('acme'), id('max'), later(1000))).toEqual(later(1000));
      expect(await t.store.startGrace(id('acme'), id('max'), later(9000))).toEqual(later(1000));
      // The first start stays even against an earlier one (that is what forfeitGrace is for).
      expect(await t.store.startGrace(id('acme'), id('max'), T0)).toEqual(later(1000));
      expect(await t.store.startGrace(id('contoso'), id('max'), later(5000))).toEqual(later(5000));
      expect(await t.store.startGrace(id('acme'), id('sam'), later(7000))).toEqual(later(7000));
    });

    it('getGraceStarts answers for the listed users of that account only', async () => {
      await t.store.startGrace(id('acme'), id('max'), later(1000));
      await t.store.startGrace(id('acme'), id('sam'), later(2000));
      await t.store.startGrace(id('acme'), id('ada'), later(3000));
      await t.store.startGrace(id('contoso'), id('cleo'), later(4000));

      const starts = await t.store.getGraceStarts(id('acme'), [
        id('max'),
        id('sam'),
        id('cleo'),
        id('nobody'),
      ]);
      expect(starts).toEqual(
        new Map([
          [id('max'), later(1000)],
          [id('sam'), later(2000)],
        ]),
      );
      expect(await t.store.getGraceStarts(id('acme'), [])).toEqual(new Map());
      expect(await t.store.getGraceStarts(id('contoso'), [id('max')])).toEqual(new Map());
    });

    it('getGraceStarts of thousands of users answers for those listed only', async () => {
      const listed = Array.from({ length: 2500 }, (_, i) => id(`member-${i}`));
      await Promise.all([
        t.store.startGrace(id('acme'), listed[0] as string, later(1000)),
        t.store.startGrace(id('acme'), listed[2499] as string, later(2000)),
        t.store.startGrace(id('acme'), id('not-listed'), later(3000)),
        t.store.startGrace(id('contoso'), listed[1] as string, later(4000)),
      ]);
      expect(await t.store.getGraceStarts(id('acme'), listed)).toEqual(
        new Map([
          [listed[0], later(1000)],
          [listed[2499], later(2000)],
        ]),
      );
    });

    it('startGrace keeps the first start of 20 concurrent callers', async () => {
      const offered = Array.from({ length: 20 }, (_, i) => later(i * 1000));
      const starts = await Promise.all(offered.map((at) => t.store.startGrace(id('acme'), id('max'), at)));
      const first = starts[0];
      expect(first).toBeInstanceOf(Date);
      for (const start of starts) expect(start).toEqual(first);
      expect(offered.map((at) => at.getTime())).toContain(first?.getTime());
      expect((await t.store.getGraceStarts(id('acme'), [id('max')])).get(id('max'))).toEqual(first);
    });

    it('forfeitGrace moves a start earlier, never later, and creates one where none was', async () => {
      await t.store.startGrace(id('acme'), id('max'), later(10_000));
      await t.store.startGrace(id('contoso'), id('max'), later(1000));
      await t.store.startGrace(id('acme'), id('sam'), later(10_000));

      await t.store.forfeitGrace(id('max'), [id('acme'), id('contoso'), id('solo')], later(5000));

      expect(await t.store.getGraceStarts(id('acme'), [id('max'), id('sam')])).toEqual(
        new Map([
          [id('max'), later(5000)],
          [id('sam'), later(10_000)],
        ]),
      );
      expect((await t.store.getGraceStarts(id('contoso'), [id('max')])).get(id('max'))).toEqual(later(1000));
      expect((await t.store.getGraceStarts(id('solo'), [id('max')])).get(id('max'))).toEqual(later(5000));
      expect(await t.store.getGraceStarts(id('other'), [id('max')])).toEqual(new Map());

      await t.store.forfeitGrace(id('max'), [id('acme')], later(60_000));
      expect((await t.store.getGraceStarts(id('acme'), [id('max')])).get(id('max'))).toEqual(later(5000));
      await t.store.forfeitGrace(id('max'), [], T0);
      // A later startGrace does not undo a forfeit.
      expect(await t.store.startGrace(id('acme'), id('max'), later(90_000))).toEqual(later(5000));
    });
  });
}
