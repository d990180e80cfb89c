import type { MemberListing, MembershipListing, MfaStore, Role } from '@mfakit/server-sdk';

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

/**
 * The demo's starting state in the MFA store, written once (again on a restart it
 * changes nothing): Acme lets members skip the second step on a remembered device
 * for 14 days; Globex requires MFA of all users with 14 days' grace, and every
 * third of its staff began that grace between 1 and 40 days ago, so some are overdue.
 * Each policy is written with its event, so that the activity log tells what the
 * settings say ("Changed by Ada Lovelace…" beside the change itself). It migrates the
 * store first, so that it can run before `createMfa`, whose delivery loop then starts after
 * the seeded events (the Mail page does not show weeks-old history as just sent).
 */
export async function seedDemo(store: MfaStore, now: Date): Promise<void> {
  await store.migrate();
  const day = 86_400_000;
  const defaults = {
    mode: 'optional',
    gracePeriodDays: 7,
    enforceAfterSso: false,
    allowedFactors: 'any',
    rememberDeviceDays: 0,
  } as const;
  const seeded = [
    {
      accountId: 'acme',
      mode: 'optional',
      gracePeriodDays: 7,
      enforceAfterSso: false,
      allowedFactors: 'any',
      rememberDeviceDays: 14,
      version: 1,
      updatedAt: new Date(now.getTime() - 30 * day),
      updatedBy: 'ada',
    },
    {
      accountId: 'globex',
      mode: 'required_all',
      gracePeriodDays: 14,
      enforceAfterSso: false,
      allowedFactors: 'any',
      rememberDeviceDays: 0,
      version: 1,
      updatedAt: new Date(now.getTime() - 45 * day),
      updatedBy: 'grace',
    },
  ] as const;
  for (const policy of seeded) {
    const { accountId, updatedBy, updatedAt, version: _version, ...after } = policy;
    await store.putPolicy({ ...policy }, 0, {
      events: [
        {
          type: 'policy.updated',
          actorId: updatedBy,
          userId: null,
          accountId,
          before: defaults,
          after,
          at: updatedAt,
        },
      ],
      stored: () => undefined,
    });
  }
  for (const [n, person] of staff.entries()) {
    if (n % 3 === 0)
      await store.startGrace('globex', person.id, new Date(now.getTime() - (1 + (n % 40)) * day));
  }
}
