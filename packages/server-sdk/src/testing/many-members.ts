/** The store conformance suite: accounts of more members than a statement can bind. */
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../model.ts';
import { type ConformanceContext, later, T0 } from './context.ts';

export function manyMembersConformance(t: ConformanceContext): void {
  const { id, enroll } = t;
  describe('accounts of many members', () => {
    // More ids than SQLite (32,766) or PostgreSQL (65,535) binds in one statement.
    const many = (label: string) => Array.from({ length: 70_000 }, (_, i) => id(`${label}${i}`));

    it('getEnrollments and getGraceStarts answer for 70,000 users at once', async () => {
      const users = many('m');
      const picked = [users[3], users[34_000], users[69_999]] as string[];
      for (const user of picked) await enroll(user);
      for (const [i, user] of picked.entries()) await t.store.startGrace(id('big'), user, later(i * 1000));
      const enrolled = await t.store.getEnrollments(users);
      expect([...enrolled.keys()].sort()).toEqual([...picked].sort());
      const starts = await t.store.getGraceStarts(id('big'), users);
      expect(starts).toEqual(
        new Map(picked.map((user, i) => [user, { startedAt: later(i * 1000), forfeitedAt: null }])),
      );
    });

    it("listAudit pages through the account's and 70,000 members' events, newest first", async () => {
      const users = many('a');
      const appended: AuditEvent[] = [];
      for (const [n, user] of [users[10], users[40_000], users[69_998], users[2_000]].entries()) {
        appended.push(
          await t.store.appendAudit({
            type: 'mfa.enrolled',
            actorId: user as string,
            userId: user as string,
            accountId: null,
            before: null,
            after: { n },
            at: T0,
          }),
        );
        appended.push(
          await t.store.appendAudit({
            type: 'policy.updated',
            actorId: id('ada'),
            userId: null,
            accountId: id('big'),
            before: null,
            after: { n },
            at: T0,
          }),
        );
      }
      const newest = [...appended].reverse();
      const first = await t.store.listAudit({ accountId: id('big'), userIds: users, limit: 3 });
      expect(first).toEqual(newest.slice(0, 3));
      const rest = await t.store.listAudit({
        accountId: id('big'),
        userIds: users,
        limit: 10,
        beforeId: first.at(-1)?.id as string,
      });
      expect(rest).toEqual(newest.slice(3));
    });
  });
}
