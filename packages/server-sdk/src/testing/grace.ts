/** The store conformance suite: grace periods. */
import { describe, expect, it } from 'vitest';
import type { GraceRecord } from '../model.ts';
import { type ConformanceContext, later, T0 } from './context.ts';

/** A grace period that started at `startedAt` and that no reset forfeited (or one did, at `forfeitedAt`). */
const grace = (startedAt: Date, forfeitedAt: Date | null = null): GraceRecord => ({ startedAt, forfeitedAt });

export function graceConformance(t: ConformanceContext): void {
  const { id } = t;
  describe('grace', () => {
    it('startGrace keeps the first start, per account and user', async () => {
      expect(await t.store.startGrace(id('acme'), id('max'), later(1000))).toEqual(grace(later(1000)));
      expect(await t.store.startGrace(id('acme'), id('max'), later(9000))).toEqual(grace(later(1000)));
      // The first start stays even against an earlier one.
      expect(await t.store.startGrace(id('acme'), id('max'), T0)).toEqual(grace(later(1000)));
      expect(await t.store.startGrace(id('contoso'), id('max'), later(5000))).toEqual(grace(later(5000)));
      expect(await t.store.startGrace(id('acme'), id('sam'), later(7000))).toEqual(grace(later(7000)));
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
          [id('max'), grace(later(1000))],
          [id('sam'), grace(later(2000))],
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
          [listed[0], grace(later(1000))],
          [listed[2499], grace(later(2000))],
        ]),
      );
    });

    it('startGrace keeps the first start of 20 concurrent callers', async () => {
      const offered = Array.from({ length: 20 }, (_, i) => later(i * 1000));
      const starts = await Promise.all(offered.map((at) => t.store.startGrace(id('acme'), id('max'), at)));
      const first = starts[0];
      expect(first?.startedAt).toBeInstanceOf(Date);
      expect(first?.forfeitedAt).toBeNull();
      for (const start of starts) expect(start).toEqual(first);
      expect(offered.map((at) => at.getTime())).toContain(first?.startedAt.getTime());
      expect((await t.store.getGraceStarts(id('acme'), [id('max')])).get(id('max'))).toEqual(first);
    });

    it('forfeitGrace marks the reset, keeps the start, and starts a forfeited one where none was', async () => {
      await t.store.startGrace(id('acme'), id('max'), later(10_000));
      await t.store.startGrace(id('contoso'), id('max'), later(1000));
      await t.store.startGrace(id('acme'), id('sam'), later(10_000));

      await t.store.forfeitGrace(id('max'), [id('acme'), id('contoso'), id('solo')], later(5000));

      expect(await t.store.getGraceStarts(id('acme'), [id('max'), id('sam')])).toEqual(
        new Map([
          [id('max'), grace(later(10_000), later(5000))],
          [id('sam'), grace(later(10_000))],
        ]),
      );
      expect((await t.store.getGraceStarts(id('contoso'), [id('max')])).get(id('max'))).toEqual(
        grace(later(1000), later(5000)),
      );
      expect((await t.store.getGraceStarts(id('solo'), [id('max')])).get(id('max'))).toEqual(
        grace(later(5000), later(5000)),
      );
      expect(await t.store.getGraceStarts(id('other'), [id('max')])).toEqual(new Map());

      // A later reset keeps the first one's time; an earlier one (a clock behind) takes its place.
      await t.store.forfeitGrace(id('max'), [id('acme')], later(60_000));
      expect((await t.store.getGraceStarts(id('acme'), [id('max')])).get(id('max'))).toEqual(
        grace(later(10_000), later(5000)),
      );
      await t.store.forfeitGrace(id('max'), [id('acme')], later(4000));
      expect((await t.store.getGraceStarts(id('acme'), [id('max')])).get(id('max'))).toEqual(
        grace(later(10_000), later(4000)),
      );
      await t.store.forfeitGrace(id('max'), [], T0);
      // A later startGrace does not undo a forfeit.
      expect(await t.store.startGrace(id('acme'), id('max'), later(90_000))).toEqual(
        grace(later(10_000), later(4000)),
      );
    });
  });
}
