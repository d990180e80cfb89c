/** The store conformance suite: policies: versioned writes. */
import { describe, expect, it } from 'vitest';
import { type ConformanceContext, countTrue } from './context.ts';

export function policyConformance(t: ConformanceContext): void {
  const { id, policy } = t;
  describe('policy', () => {
    it('has none before the first write', async () => {
      expect(await t.store.getPolicy(id('acme'))).toBeNull();
    });

    it('inserts with expectedVersion 0 exactly once, and round-trips every field', async () => {
      const first = policy(id('acme'), 1, { gracePeriodDays: 0, enforceAfterSso: true });
      expect(await t.store.putPolicy(first, 0)).toBe(true);
      expect(await t.store.getPolicy(id('acme'))).toEqual(first);

      const again = policy(id('acme'), 1, { mode: 'optional' });
      expect(await t.store.putPolicy(again, 0)).toBe(false);
      expect(await t.store.getPolicy(id('acme'))).toEqual(first);
    });

    it('round-trips a policy nobody is named on', async () => {
      const anonymous = policy(id('acme'), 1, { updatedAt: null, updatedBy: null, mode: 'optional' });
      expect(await t.store.putPolicy(anonymous, 0)).toBe(true);
      expect(await t.store.getPolicy(id('acme'))).toEqual(anonymous);
    });

    it('updates only from the stored version', async () => {
      expect(await t.store.putPolicy(policy(id('acme'), 1), 0)).toBe(true);
      const second = policy(id('acme'), 2, { mode: 'required_admins', gracePeriodDays: 90 });
      expect(await t.store.putPolicy(second, 1)).toBe(true);
      expect(await t.store.getPolicy(id('acme'))).toEqual(second);

      // A writer that read version 1 is now stale; one that guessed ahead is wrong too.
      expect(await t.store.putPolicy(policy(id('acme'), 2, { mode: 'optional' }), 1)).toBe(false);
      expect(await t.store.putPolicy(policy(id('acme'), 6, { mode: 'optional' }), 5)).toBe(false);
      expect(await t.store.getPolicy(id('acme'))).toEqual(second);

      const third = policy(id('acme'), 3, { mode: 'optional' });
      expect(await t.store.putPolicy(third, 2)).toBe(true);
      expect(await t.store.getPolicy(id('acme'))).toEqual(third);
    });

    it('keeps accounts apart', async () => {
      const acme = policy(id('acme'), 1);
      expect(await t.store.putPolicy(acme, 0)).toBe(true);
      expect(await t.store.getPolicy(id('contoso'))).toBeNull();
      expect(await t.store.putPolicy(policy(id('contoso'), 2), 1)).toBe(false);
      const contoso = policy(id('contoso'), 1, { mode: 'optional' });
      expect(await t.store.putPolicy(contoso, 0)).toBe(true);
      expect(await t.store.getPolicy(id('acme'))).toEqual(acme);
      expect(await t.store.getPolicy(id('contoso'))).toEqual(contoso);
    });

    it('lets exactly one of concurrent writers with the same expectation win', async () => {
      const modes = ['optional', 'required_admins', 'required_all'] as const;
      const writers = (version: number) =>
        Array.from({ length: 12 }, (_, i) =>
          policy(id('acme'), version, { mode: modes[i % 3] ?? 'optional', gracePeriodDays: i }),
        );

      for (const version of [1, 2]) {
        const candidates = writers(version);
        const results = await Promise.all(candidates.map((p) => t.store.putPolicy(p, version - 1)));
        expect(countTrue(results)).toBe(1);
        const winner = candidates[results.indexOf(true)];
        expect(await t.store.getPolicy(id('acme'))).toEqual(winner);
      }
    });

    it('hands out copies: changing a record changes nothing stored', async () => {
      const written = policy(id('acme'), 1);
      await t.store.putPolicy(written, 0);
      written.mode = 'optional';
      const read = await t.store.getPolicy(id('acme'));
      expect(read?.mode).toBe('required_all');
      if (read) read.gracePeriodDays = 99;
      expect((await t.store.getPolicy(id('acme')))?.gracePeriodDays).toBe(7);
    });
  });
}
