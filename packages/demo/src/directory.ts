import type { MemberListing, MembershipListing, Role } from '@mfakit/server-sdk';

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
];

export const accounts: DemoAccount[] = [
  { id: 'acme', name: 'Acme', sso: null, members: { ada: 'admin', max: 'member', sam: 'member' } },
  {
    id: 'contoso',
    name: 'Contoso',
    sso: 'Active Directory',
    members: { cleo: 'admin', sam: 'member' },
  },
];

export const findUser = (id: string | undefined) => users.find((u) => u.id === id);
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
