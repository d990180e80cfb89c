/**
 * The compliance exports: the members list (its filter and search, every matching member) and the
 * account's audit trail, as CSV files for auditors (admin/csv.ts). What could fail is read before
 * the first byte (the members, their facts, the first page of events), so a failure is answered
 * as a JSON error like any other; the audit trail's later pages are read as the file streams.
 */
import type { MfaContext } from '../core/context.ts';
import type { AuditEvent } from '../model.ts';
import { csvStream } from './csv.ts';
import { isListed, type MemberStatus, memberFacts, memberRow, searchOf, sortKey } from './members-page.ts';

type Cells = readonly (string | number | boolean | null | undefined)[];

const MEMBER_COLUMNS = [
  'Name',
  'Email',
  'Role',
  'MFA',
  'Methods',
  'Set up on',
  'Deadline',
  'Overdue',
  'Last reminded',
  'User ID',
];

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

/** `members.csv`: the members `status` and `q` select, by display name. */
export async function membersCsv(
  ctx: MfaContext,
  accountId: string,
  query: { status: MemberStatus; q?: string | undefined },
): Promise<ReadableStream<Uint8Array>> {
  const { members, policy, judge } = await memberFacts(ctx, accountId);
  const needle = searchOf(query.q);
  const listed: { key: string; row: ReturnType<typeof memberRow> }[] = [];
  for (const member of members) {
    const judged = judge(member);
    if (isListed(member, judged, query.status, needle))
      listed.push({ key: sortKey(member), row: memberRow(member, judged, policy) });
  }
  listed.sort((a, b) => (a.key === b.key ? (a.row.userId < b.row.userId ? -1 : 1) : a.key < b.key ? -1 : 1));
  const reminded = new Map<string, Date>();
  const withoutMfa = listed.filter((entry) => entry.row.deadline !== null).map((entry) => entry.row.userId);
  for (const r of await ctx.store.listReminders(accountId, withoutMfa)) reminded.set(r.userId, r.sentAt);
  async function* rows(): AsyncGenerator<Cells> {
    for (const { row } of listed) {
      yield [
        row.displayName,
        row.email,
        row.role,
        row.enrolled ? 'yes' : 'no',
        row.methods.join(' '),
        iso(row.enrolledAt),
        iso(row.deadline),
        row.overdue ? 'yes' : 'no',
        iso(reminded.get(row.userId)),
        row.userId,
      ];
    }
  }
  return csvStream(MEMBER_COLUMNS, rows());
}

const AUDIT_COLUMNS = ['Time', 'Event', 'Actor', 'Actor ID', 'Member', 'Member ID', 'Before', 'After'];
const AUDIT_PAGE = 1000;

/** `audit.csv`: the account's events and its members' own, newest first. */
export async function auditCsv(ctx: MfaContext, accountId: string): Promise<ReadableStream<Uint8Array>> {
  const members = await ctx.members(accountId);
  const names = new Map(members.map((m) => [m.userId, m.displayName]));
  const userIds = members.map((m) => m.userId);
  const page = (beforeId?: string) =>
    ctx.store.listAudit({ accountId, userIds, limit: AUDIT_PAGE, ...(beforeId ? { beforeId } : {}) });
  let events: AuditEvent[] = await page();
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  async function* rows(): AsyncGenerator<Cells> {
    while (events.length > 0) {
      for (const e of events) {
        yield [
          e.at.toISOString(),
          e.type,
          e.actorId === null ? null : (names.get(e.actorId) ?? null),
          e.actorId,
          e.userId === null ? null : (names.get(e.userId) ?? null),
          e.userId,
          json(e.before),
          json(e.after),
        ];
      }
      const last = events.at(-1);
      events = events.length === AUDIT_PAGE && last ? await page(last.id) : [];
    }
  }
  return csvStream(AUDIT_COLUMNS, rows());
}
