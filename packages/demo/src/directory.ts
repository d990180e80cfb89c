import type { MemberListing, MembershipListing, MfaStore, PolicyRecord, Role } from '@mfakit/server-sdk';

/**
 * The demo host's own directory of users and accounts: what a real portal keeps
 * in its database. mfakit reads it only through the hooks given to `createMfa`.
 */
export interface DemoUser {
  id: string;
  displayName: string;
  email: string;
}

export interface DemoAccount {
  id: string;
  name: string;
  /** The account's Single Sign-On integration, if it has one. */
  sso: string | null;
  members: Record<string, Role>;
}

export const users: DemoUser[] = [
  { id: 'ada', displayName: 'Ada Lovelace', email: 'ada@acme.example' },
  { id: 'max', displayName: 'Max Mustermann', email: 'max@acme.example' },
  { id: 'sam', displayName: 'Sam Shared', email: 'sam@partner.example' },
  { id: 'cleo', displayName: 'Cleo Contoso', email: 'cleo@contoso.example' },
  { id: 'grace', displayName: 'Grace Hopper', email: 'grace@globex.example' },
  { id: 'hedy', displayName: 'Hedy Lamarr', email: 'hedy@globex.example' },
  { id: 'katherine', displayName: 'Katherine Johnson', email: 'katherine@globex-distribution.example' },
  { id: 'emmy', displayName: 'Emmy Noether', email: 'emmy@globex-distribution.example' },
];

const firstNames = [
  'Alan',
  'Barbara',
  'Claude',
  'Dorothy',
  'Edsger',
  'Frances',
  'Gordon',
  'Hertha',
  'Ivan',
  'Joan',
  'Ken',
  'Lise',
  'Margaret',
  'Niklaus',
  'Olga',
  'Peter',
  'Radia',
  'Shafi',
  'Tim',
  'Ursula',
];
const lastNames = [
  'Allen',
  'Bell',
  'Cerf',
  'Dijkstra',
  'Estrin',
  'Floyd',
  'Goldberg',
  'Hamming',
  'Iverson',
  'Jones',
  'Knuth',
];

/**
 * Globex's staff: 220 members made up from the names above (not in the user switcher),
 * so that the members list has filters and pages worth the name. Some of them began
 * their grace period long ago and are overdue (see `seedDemo`).
 */
export const staff: DemoUser[] = firstNames.flatMap((first, i) =>
  lastNames.map((last, j) => {
    const n = i * lastNames.length + j;
    return {
      id: `globex-${String(n).padStart(3, '0')}`,
      displayName: `${first} ${last}`,
      email: `${first}.${last}@globex.example`.toLowerCase(),
    };
  }),
);

export const accounts: DemoAccount[] = [
  { id: 'acme', name: 'Acme', sso: null, members: { ada: 'admin', max: 'member', sam: 'member' } },
  {
    id: 'contoso',
    name: 'Contoso',
    sso: 'Active Directory',
    members: { cleo: 'admin', sam: 'member' },
  },
  {
    id: 'globex',
    name: 'Globex',
    sso: null,
    members: {
      grace: 'admin',
      hedy: 'member',
      ...Object.fromEntries(staff.map((person) => [person.id, 'member' as const])),
    },
  },
  {
    id: 'globex-distribution',
    name: 'Globex Distribution',
    sso: null,
    members: {
      katherine: 'admin',
      emmy: 'member',
      ...Object.fromEntries(staff.slice(0, 4).map((person) => [person.id, 'member' as const])),
    },
  },
];

const everyone = new Map([...users, ...staff].map((u) => [u.id, u]));
export const findUser = (id: string | undefined) => (id === undefined ? undefined : everyone.get(id));
export const findAccount = (id: string) => accounts.find((a) => a.id === id);

export function membership(userId: string, accountId: string) {
  const account = findAccount(accountId);
  const role = account?.members[userId];
  return account && role ? { role, accountName: account.name } : null;
}

export function membershipsOf(userId: string): MembershipListing[] {
  return accounts.flatMap((a) => {
    const role = a.members[userId];
    return role ? [{ accountId: a.id, accountName: a.name, role }] : [];
  });
}

export function membersOf(accountId: string): MemberListing[] {
  const account = findAccount(accountId);
  if (!account) return [];
  return Object.entries(account.members).flatMap(([userId, role]) => {
    const user = findUser(userId);
    return user ? [{ userId, role, displayName: user.displayName, email: user.email }] : [];
  });
}

const DAY_MS = 86_400_000;

/** A reminder as the store records it. */
type ReminderRecord = Parameters<MfaStore['recordReminder']>[0];

/** Globex's grace period, in days. */
const GLOBEX_GRACE_DAYS = 14;

/**
 * Local midnight `days` days after `now`'s day: a start date as an administrator picks one
 * in the policy manager (a day, from its beginning).
 */
export function startOfDayAhead(now: Date, days: number): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
}

/**
 * When each of Globex's staff began their grace period (they joined, or were first seen, at
 * different times): every third between 1 and 40 days ago, so that some are overdue; the
 * others between 1 and 12 days ago, still within it.
 */
const globexGraceStart = (n: number, now: Date) =>
  new Date(now.getTime() - (n % 3 === 0 ? 1 + (n % 40) : 1 + (n % 12)) * DAY_MS);

/**
 * The demo's starting state in the MFA store, written once (again on a restart it
 * changes nothing):
 * - Acme lets members skip the second step on a remembered device for 14 days.
 * - Globex requires MFA of all users with 14 days' grace, set weeks ago; its staff began
 *   their grace at different times (some are overdue), and each was reminded as the SDK
 *   reminds (at the announcement, 7 days and 1 day before the deadline, when overdue).
 * - Globex Distribution is rolling MFA out: it will require MFA of all users from the start
 *   of the day three days after the first start (`enforceFrom`), with 7 days' grace from
 *   then. Nobody there has MFA yet; the announcement goes out at start-up
 *   (`createDemo(…).ready()`), so the Mail page shows it.
 *
 * Each policy and reminder is written with its event, so that the activity log tells what the
 * settings say ("Changed by Ada Lovelace…" beside the change itself). It migrates the store
 * first, so that it can run before `createMfa`, whose delivery loop then starts after the
 * seeded events (the Mail page does not show weeks-old history as just sent).
 */
export async function seedDemo(store: MfaStore, now: Date): Promise<void> {
  await store.migrate();
  const defaults = {
    mode: 'optional',
    gracePeriodDays: 7,
    enforceAfterSso: false,
    allowedFactors: 'any',
    rememberDeviceDays: 0,
    enforceFrom: null,
  } as const;
  const seeded: PolicyRecord[] = [
    {
      ...defaults,
      accountId: 'acme',
      rememberDeviceDays: 14,
      version: 1,
      updatedAt: new Date(now.getTime() - 30 * DAY_MS),
      updatedBy: 'ada',
    },
    {
      ...defaults,
      accountId: 'globex',
      mode: 'required_all',
      gracePeriodDays: GLOBEX_GRACE_DAYS,
      version: 1,
      updatedAt: new Date(now.getTime() - 45 * DAY_MS),
      updatedBy: 'grace',
    },
    {
      ...defaults,
      accountId: 'globex-distribution',
      mode: 'required_all',
      enforceFrom: startOfDayAhead(now, 3),
      version: 1,
      updatedAt: now,
      updatedBy: 'katherine',
    },
  ];
  for (const policy of seeded) {
    const { accountId, updatedBy, updatedAt, version: _version, ...after } = policy;
    const event = (settings: typeof defaults | typeof after) => ({
      ...settings,
      enforceFrom: settings.enforceFrom?.toISOString() ?? null,
    });
    await store.putPolicy({ ...policy }, 0, {
      events: [
        {
          type: 'policy.updated',
          actorId: updatedBy,
          userId: null,
          accountId,
          before: event(defaults),
          after: event(after),
          at: updatedAt ?? now,
        },
      ],
      stored: () => undefined,
    });
  }
  await seedGlobexReminders(store, now);
}

/**
 * Globex's staff as weeks of reminders left them: each one's grace period, and the reminders
 * the SDK would have sent them by now, in the order they were sent. Only where none is
 * recorded yet, from the grace periods the store holds: a restart adds nothing, and the
 * SDK's own reminders go on from there (instead of announcing a weeks-old policy to 220
 * people at the first start).
 */
async function seedGlobexReminders(store: MfaStore, now: Date): Promise<void> {
  const ids = staff.map((person) => person.id);
  if ((await store.listReminders('globex', ids)).length > 0) return;
  for (const [n, person] of staff.entries())
    await store.startGrace('globex', person.id, globexGraceStart(n, now));
  const starts = await store.getGraceStarts('globex', ids);
  const history: ReminderRecord[] = [...starts].flatMap(([userId, grace]) => {
    const deadline = new Date(grace.startedAt.getTime() + GLOBEX_GRACE_DAYS * DAY_MS);
    const stages = [
      { stage: 'announcement', sentAt: grace.startedAt },
      { stage: 'seven_days', sentAt: new Date(deadline.getTime() - 7 * DAY_MS) },
      { stage: 'one_day', sentAt: new Date(deadline.getTime() - DAY_MS) },
      { stage: 'overdue', sentAt: deadline },
    ] as const;
    return stages
      .filter(({ sentAt }) => sentAt.getTime() <= now.getTime())
      .map(({ stage, sentAt }) => ({ accountId: 'globex', userId, stage, deadline, sentAt }));
  });
  history.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  for (const reminder of history) {
    await store.recordReminder(reminder, {
      events: [
        {
          type: 'reminder.sent',
          actorId: null,
          userId: reminder.userId,
          accountId: reminder.accountId,
          before: null,
          after: {
            stage: reminder.stage,
            deadline: reminder.deadline?.toISOString() ?? null,
            enforceFrom: null,
          },
          at: reminder.sentAt,
        },
      ],
      stored: () => undefined,
    });
  }
}
