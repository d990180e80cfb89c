import { ACCOUNT_FACTS_MAX_AGE_MS, type AccountMembersFacts } from '../core/access-cache.ts';
import type { MfaContext } from '../core/context.ts';
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/encoding.ts';
import {
  acceptedMethods,
  type Enrollment,
  type FactorMethod,
  type GraceRecord,
  hasAccepted,
  type MemberListing,
  type PolicyRecord,
  policyRequires,
} from '../model.ts';
import { countedReset, isPending, memberDeadline } from '../policy/enforcement.ts';
import { readPolicy } from '../policy/policy.ts';
import { REMINDER_ROUND_MS } from '../rollout/reminder-round.ts';

/** Which members a page lists: everyone, those without a factor the account accepts, or those past their deadline. */
export const memberStatuses = ['all', 'without_mfa', 'overdue'] as const;
export type MemberStatus = (typeof memberStatuses)[number];

/** Where a page of members begins: after this sort key and user id (see `sortKey`). */
export interface MembersCursor {
  key: string;
  userId: string;
}

export interface MembersPageQuery {
  cursor?: MembersCursor | undefined;
  limit: number;
  status: MemberStatus;
  /** Part of a display name or email, any case. */
  q?: string | undefined;
}

export interface MemberRow extends MemberListing {
  methods: FactorMethod[];
  /** Has any factor (under `phishing_resistant`, an app alone still counts here, not in `withoutMfa`). */
  enrolled: boolean;
  enrolledAt: Date | null;
  /** When a member the policy requires MFA of, without an accepted factor, loses access (`null`: not required, or their grace has not begun). */
  deadline: Date | null;
  overdue: boolean;
  /**
   * When an administrator's reset forfeited this member's grace period here, for a member
   * `deadline` applies to (`null` otherwise): they must set up MFA at their next sign-in.
   */
  resetAt: Date | null;
  /** When this member was last reminded to set up MFA here (`null`: never). */
  lastRemindedAt: Date | null;
}

export interface MembersPage {
  members: MemberRow[];
  nextCursor: MembersCursor | null;
  /** The account's last round of reminders by an administrator, and when the next may be sent. */
  reminders: { lastSentAt: Date | null; nextAllowedAt: Date | null };
  /**
   * Over the whole account, whatever `status` and `q` select: members, those with any
   * factor, those without a factor the account accepts (the Without MFA filter), overdue.
   */
  counts: { members: number; enrolled: number; withoutMfa: number; overdue: number };
}

/**
 * The order of the list: display names by their lower case, code unit by code unit,
 * then user ids. Cheap enough to compare 100,000 members on every request (a collator
 * is about twenty times slower), and total, so that a cursor keeps its place.
 */
export const sortKey = (member: MemberListing) => member.displayName.toLowerCase();

const before = (key: string, userId: string, other: MembersCursor) =>
  key < other.key || (key === other.key && userId < other.userId);

/**
 * Whether remembered facts still answer as the store would: read by this instance's current
 * generation, and either (with a facts version) read at the store's current version, or
 * (without one) younger than `policyCacheTtl`. The version moves with every write of those
 * facts, in its transaction, so an unchanged version vouches for them past `policyCacheTtl`
 * too, also with `policyCacheTtl: 0` (one read of the store asks whether anything changed).
 * What it cannot vouch for (a row changed by hand, an instance of an earlier release) is
 * bounded by `ACCOUNT_FACTS_MAX_AGE_MS` (or `policyCacheTtl`, if longer) since the read.
 */
function isCurrent(
  facts: AccountMembersFacts,
  generation: number,
  version: string | null,
  nowMs: number,
  ttlMs: number,
): boolean {
  const age = nowMs - facts.readAt;
  if (facts.generation !== generation || age >= Math.max(ttlMs, ACCOUNT_FACTS_MAX_AGE_MS)) return false;
  return version === null ? age < ttlMs : facts.version === version;
}

/**
 * The facts of `members`, remembered per account (see `isCurrent`) and forgotten at once when
 * this instance writes a user's MFA: paging through an account of 100,000 members reads the
 * store once, not once a page. Members the host added since are read on their own.
 */
async function accountFacts(
  ctx: MfaContext,
  accountId: string,
  members: readonly MemberListing[],
): Promise<AccountMembersFacts> {
  const cache = ctx.cache.accountMembers;
  const generation = ctx.cache.generation;
  // Read before the facts: a write committed between the two reads moves the version past the
  // one kept with them, so they are read again at the next page, never kept as current.
  const version = ctx.store.factsVersion ? await ctx.store.factsVersion() : null;
  const nowMs = Date.now();
  const remembered = cache.get(accountId, nowMs);
  const facts =
    remembered && isCurrent(remembered, generation, version, nowMs, ctx.cache.ttlMs) ? remembered : undefined;
  const missing = facts ? members.filter((m) => !facts.read.has(m.userId)) : members;
  if (missing.length === 0 && facts) {
    // Still current: kept (another `ACCOUNT_FACTS_MAX_AGE_MS` idle), whatever its age.
    if (version !== null) cache.set(accountId, facts, nowMs);
    return facts;
  }
  const ids = missing.map((m) => m.userId);
  const [enrollments, graceStarts] = await Promise.all([
    ctx.store.getEnrollments(ids),
    ctx.store.getGraceStarts(accountId, ids),
  ]);
  const next: AccountMembersFacts = facts
    ? {
        generation,
        version,
        readAt: facts.readAt,
        enrollments: new Map([...facts.enrollments, ...enrollments]),
        graceStarts: new Map([...facts.graceStarts, ...graceStarts]),
        read: new Set([...facts.read, ...ids]),
      }
    : { generation, version, readAt: nowMs, enrollments, graceStarts, read: new Set(ids) };
  // A write of this instance during the read: the answer may be stale, so it is not remembered.
  // Without a version, and without a TTL, nothing could use it.
  if (generation === ctx.cache.generation && (version !== null || ctx.cache.ttlMs > 0)) {
    cache.set(accountId, next, facts ? nowMs : Date.now());
  }
  return next;
}

/** What the members list knows of one member: their factors, and where the policy's deadline applies, it. */
export interface JudgedMember {
  enrollment: Enrollment | undefined;
  methods: FactorMethod[];
  /** Holds a factor the account accepts. */
  accepted: boolean;
  start: Pick<GraceRecord, 'startedAt' | 'forfeitedAt'> | undefined;
  deadline: Date | null;
  overdue: boolean;
}

/**
 * The account's members with what the list says of each (`judge`), read once: the members from
 * the host, the policy, and the facts (kept per account, see `accountFacts`).
 */
export async function memberFacts(ctx: MfaContext, accountId: string) {
  const [members, policy] = await Promise.all([ctx.members(accountId), readPolicy(ctx, accountId)]);
  const facts = await accountFacts(ctx, accountId, members);
  const accepts = acceptedMethods(policy.allowedFactors);
  const now = ctx.now();
  const nowMs = now.getTime();
  // Before a start date, the members not seen yet will have theirs counted from it.
  const projected = isPending(policy, now) ? { startedAt: now, forfeitedAt: null } : undefined;
  const judge = (member: MemberListing): JudgedMember => {
    const enrollment = facts.enrollments.get(member.userId);
    const methods = enrollment?.methods ?? [];
    const accepted = hasAccepted(methods, accepts);
    const start = accepted ? undefined : (facts.graceStarts.get(member.userId) ?? projected);
    const deadline = start && policyRequires(policy.mode, member.role) ? memberDeadline(policy, start) : null;
    const overdue = deadline !== null && deadline.getTime() <= nowMs;
    return { enrollment, methods, accepted, start, deadline, overdue };
  };
  return { members, policy, judge, nowMs };
}

/**
 * A search as a case-insensitive regular expression of the text itself: testing 200,000 names
 * and emails with it is about twice as fast as lower-casing each of them.
 */
export const searchOf = (q: string | undefined): RegExp | undefined =>
  q ? new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : undefined;

/** Whether the member is in the list the status and the search select. */
export function isListed(member: MemberListing, judged: JudgedMember, status: MemberStatus, needle?: RegExp) {
  if (status === 'without_mfa' && judged.accepted) return false;
  if (status === 'overdue' && !judged.overdue) return false;
  return !needle || needle.test(member.displayName) || needle.test(member.email);
}

/** A member's row as the list shows it (`lastRemindedAt` read apart, for the members shown). */
export function memberRow(
  member: MemberListing,
  judged: JudgedMember,
  policy: Pick<PolicyRecord, 'enforceFrom'>,
): MemberRow {
  const { methods, enrollment, deadline, overdue, start } = judged;
  return {
    ...member,
    methods: [...methods],
    enrolled: methods.length > 0,
    enrolledAt: enrollment?.since ?? null,
    deadline,
    overdue,
    resetAt: deadline === null || !start ? null : countedReset(policy, start),
    lastRemindedAt: null,
  };
}

/**
 * One page of an account's members for its administrators (`GET …/members`): sorted by
 * display name, filtered by status and a search, with the account's counts. Pages are
 * keyed by the last member shown (sort key and user id), so members added or removed
 * while an administrator pages move no one else onto a page twice or off every page.
 */
export async function membersPage(
  ctx: MfaContext,
  accountId: string,
  query: MembersPageQuery,
): Promise<MembersPage> {
  const { members, policy, judge, nowMs } = await memberFacts(ctx, accountId);
  const needle = searchOf(query.q);
  const counts = { members: members.length, enrolled: 0, withoutMfa: 0, overdue: 0 };

  // The first `limit + 1` members after the cursor, kept sorted: one pass, no sort of the account.
  const page: { key: string; member: MemberListing; row: () => MemberRow }[] = [];
  const wanted = query.limit + 1;
  for (const member of members) {
    const judged = judge(member);
    const { methods, accepted, overdue } = judged;
    if (methods.length > 0) counts.enrolled++;
    if (!accepted) counts.withoutMfa++;
    if (overdue) counts.overdue++;

    if (query.status === 'without_mfa' && accepted) continue;
    if (query.status === 'overdue' && !overdue) continue;
    const key = sortKey(member);
    if (query.cursor && !before(query.cursor.key, query.cursor.userId, { key, userId: member.userId }))
      continue;
    if (page.length === wanted) {
      const last = page[wanted - 1] as (typeof page)[number];
      if (!before(key, member.userId, { key: last.key, userId: last.member.userId })) continue;
    }
    if (needle && !needle.test(member.displayName) && !needle.test(member.email)) continue;
    // Binary insertion into the sorted page.
    let low = 0;
    let high = page.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const at = page[mid] as (typeof page)[number];
      if (before(at.key, at.member.userId, { key, userId: member.userId })) low = mid + 1;
      else high = mid;
    }
    page.splice(low, 0, { key, member, row: () => memberRow(member, judged, policy) });
    if (page.length > wanted) page.pop();
  }
  const more = page.length > query.limit;
  const shown = more ? page.slice(0, query.limit) : page;
  const last = shown.at(-1);
  const [reminded, schedule] = await Promise.all([
    ctx.store.listReminders(
      accountId,
      shown.map((entry) => entry.member.userId),
    ),
    ctx.store.getReminderSchedule(accountId),
  ]);
  const lastReminded = new Map(reminded.map((r) => [r.userId, r.sentAt]));
  const lastSentAt = schedule?.manualAt ?? null;
  const nextAllowedMs = lastSentAt === null ? 0 : lastSentAt.getTime() + REMINDER_ROUND_MS;
  return {
    members: shown.map((entry) => ({
      ...entry.row(),
      lastRemindedAt: lastReminded.get(entry.member.userId) ?? null,
    })),
    nextCursor: more && last ? { key: last.key, userId: last.member.userId } : null,
    counts,
    reminders: { lastSentAt, nextAllowedAt: nextAllowedMs > nowMs ? new Date(nextAllowedMs) : null },
  };
}

/** The cursor as the API sends it: base64url of JSON, opaque to clients. */
export function encodeMembersCursor(cursor: MembersCursor): string {
  return toBase64Url(utf8.encode(JSON.stringify([cursor.key, cursor.userId])));
}

/** A cursor this API sent, or `null` for anything else. */
export function decodeMembersCursor(text: string): MembersCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(text)));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { key: value[0], userId: value[1] };
    }
  } catch {
    // not JSON: not a cursor of ours
  }
  return null;
}
