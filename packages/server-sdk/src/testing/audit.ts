/** The store conformance suite: the audit trail. */
import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditEventInput } from '../model.ts';
import type { AuditWrite } from '../store/store.ts';
import { type ConformanceContext, later, T0, times } from './context.ts';

export function auditConformance(t: ConformanceContext): void {
  const { id, policy, factor, enroll, codes } = t;
  describe('audit', () => {
    const event = (overrides: Partial<AuditEventInput>): AuditEventInput => ({
      type: 'policy.updated',
      actorId: id('ada'),
      userId: null,
      accountId: null,
      before: null,
      after: null,
      at: T0,
      ...overrides,
    });

    it('appendAudit returns the event with a new id, and listAudit gives it back unchanged', async () => {
      const input = event({
        type: 'mfa.reset',
        actorId: null,
        userId: id('max'),
        accountId: id('acme'),
        before: { enrolled: true, accounts: ['a', 'b'] },
        after: { enrolled: false },
        at: later(42),
      });
      const stored = await t.store.appendAudit(input);
      expect(typeof stored.id).toBe('string');
      expect(stored.id).not.toBe('');
      expect(stored).toEqual({ ...input, id: stored.id });
      expect(await t.store.listAudit({ accountId: id('acme'), userIds: [], limit: 10 })).toEqual([stored]);
    });

    it('gives concurrent appends distinct ids', async () => {
      const stored = await times(20, (i) =>
        t.store.appendAudit(event({ accountId: id('acme'), after: { i } })),
      );
      expect(new Set(stored.map((e) => e.id)).size).toBe(20);
      const listed = await t.store.listAudit({ accountId: id('acme'), userIds: [], limit: 100 });
      expect(listed).toHaveLength(20);
    });

    it("lists newest first the account's events and the listed users' own events only", async () => {
      const [acme, contoso] = [id('acme'), id('contoso')];
      const [ada, max, outsider] = [id('ada'), id('max'), id('outsider')];
      const append = (e: Partial<AuditEventInput>) => t.store.appendAudit(event(e));

      const e1 = await append({ accountId: acme, userId: null });
      const e2 = await append({ type: 'mfa.enrolled', userId: ada });
      const e3 = await append({ accountId: contoso, userId: ada });
      await append({ type: 'mfa.enrolled', userId: outsider });
      const e5 = await append({ type: 'mfa.reset', accountId: acme, userId: outsider });
      await append({ type: 'mfa.reset', actorId: null });
      const e7 = await append({ type: 'recovery_code.used', userId: max });
      const e8 = await append({ accountId: contoso, userId: null });
      const e9 = await append({ type: 'challenge.failed', accountId: acme, userId: max });

      const listed = await t.store.listAudit({ accountId: acme, userIds: [ada, max], limit: 100 });
      expect(listed).toEqual([e9, e7, e5, e2, e1]);

      const accountOnly = await t.store.listAudit({ accountId: acme, userIds: [], limit: 100 });
      expect(accountOnly.map((e) => e.id)).toEqual([e9.id, e5.id, e1.id]);

      const other = await t.store.listAudit({ accountId: contoso, userIds: [max], limit: 100 });
      expect(other).toEqual([e8, e7, e3]);

      expect(
        await t.store.listAudit({ accountId: id('empty'), userIds: [id('nobody')], limit: 100 }),
      ).toEqual([]);
    });

    it('pages with beforeId and limit through every event exactly once', async () => {
      const acme = id('acme');
      const users = [id('ada'), id('max')];
      const mine: AuditEvent[] = [];
      for (let i = 0; i < 23; i++) {
        const kind = i % 3;
        mine.push(
          await t.store.appendAudit(
            kind === 0
              ? event({ accountId: acme, after: { i } })
              : event({ type: 'mfa.enrolled', userId: users[kind - 1] ?? null, after: { i } }),
          ),
        );
        // Noise the listing must skip.
        await t.store.appendAudit(event({ accountId: id('contoso'), after: { i } }));
        await t.store.appendAudit(event({ type: 'mfa.enrolled', userId: id('outsider'), after: { i } }));
      }
      const everything = await t.store.listAudit({ accountId: acme, userIds: users, limit: 1000 });
      expect(everything.map((e) => e.id)).toEqual(mine.map((e) => e.id).reverse());
      expect(await t.store.listAudit({ accountId: acme, userIds: users, limit: 4 })).toEqual(
        everything.slice(0, 4),
      );

      const walked: AuditEvent[] = [];
      const pageSizes: number[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await t.store.listAudit({
          accountId: acme,
          userIds: users,
          limit: 5,
          ...(cursor === undefined ? {} : { beforeId: cursor }),
        });
        pageSizes.push(page.length);
        walked.push(...page);
        const last = page.at(-1);
        if (!last || page.length < 5) break;
        cursor = last.id;
      }
      expect(pageSizes).toEqual([5, 5, 5, 5, 3]);
      expect(walked).toEqual(everything);
      expect(new Set(walked.map((e) => e.id)).size).toBe(23);

      const lastId = everything.at(-1)?.id;
      expect(lastId).toBeDefined();
      if (lastId !== undefined) {
        expect(
          await t.store.listAudit({ accountId: acme, userIds: users, beforeId: lastId, limit: 5 }),
        ).toEqual([]);
      }
    });
  });

  describe('audit written with a change', () => {
    const event = (type: AuditEventInput['type'], after: unknown = null): AuditEventInput => ({
      type,
      actorId: id('ada'),
      userId: id('ada'),
      accountId: id('acme'),
      before: null,
      after,
      at: T0,
    });
    /** An AuditWrite that keeps what the store reports stored. */
    const write = (events: AuditWrite['events']) => {
      const reported: AuditEvent[][] = [];
      return { write: { events, stored: (stored: AuditEvent[]) => reported.push(stored) }, reported };
    };
    const listed = () => t.store.listAudit({ accountId: id('acme'), userIds: [], limit: 50 });

    it('putPolicy appends its events when it writes, and none when the version is stale', async () => {
      const first = write([event('policy.updated', { v: 1 })]);
      expect(await t.store.putPolicy(policy(id('acme'), 1), 0, first.write)).toBe(true);
      expect(first.reported).toEqual([
        [expect.objectContaining({ type: 'policy.updated', after: { v: 1 } })],
      ]);
      const stale = write([event('policy.updated', { v: 'stale' })]);
      expect(await t.store.putPolicy(policy(id('acme'), 2), 0, stale.write)).toBe(false);
      expect(stale.reported).toEqual([]);
      expect(await listed()).toEqual(first.reported[0]);
    });

    it('activateTotp appends its events when it activates, and none for a replaced setup', async () => {
      const active = factor(id('ada'));
      await t.store.putPendingTotp({ userId: id('ada'), secret: active.secret, expiresAt: later(1000) });
      const replaced = write([event('mfa.enrolled', 'replaced')]);
      expect(await t.store.activateTotp(active, 'another-secret', [], replaced.write)).toBe(false);
      const enrolled = write([event('mfa.enrolled')]);
      expect(await t.store.activateTotp(active, active.secret, codes(id('ada')), enrolled.write)).toBe(true);
      expect(replaced.reported).toEqual([]);
      expect(await listed()).toEqual(enrolled.reported[0]);
      expect(enrolled.reported[0]).toHaveLength(1);
    });

    it('resetMfa and replaceRecoveryCodes append theirs; a function of the result gives them', async () => {
      await enroll(id('ada'));
      const regenerated = write([event('recovery_codes.regenerated')]);
      await t.store.replaceRecoveryCodes(id('ada'), codes(id('ada')), regenerated.write);
      const results: unknown[] = [];
      const removal = (result: unknown) => {
        results.push(result);
        return [event('mfa.reset', { existed: result })];
      };
      const removed = write(removal);
      expect(await t.store.resetMfa(id('ada'), removed.write)).toBe(true);
      const again = write(removal);
      expect(await t.store.resetMfa(id('ada'), again.write)).toBe(false);
      expect(results).toEqual([true, false]);
      expect((await listed()).map((e) => [e.type, e.after])).toEqual([
        ['mfa.reset', { existed: false }],
        ['mfa.reset', { existed: true }],
        ['recovery_codes.regenerated', null],
      ]);
      expect(again.reported[0]?.[0]?.id).toBeDefined();
    });
  });
}
