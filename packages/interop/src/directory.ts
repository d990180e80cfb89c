import type { MfaOptions, Principal, Role } from '@mfakit/server-sdk';

/** The hosts' own users and accounts: Acme, and Contoso with SSO through Active Directory. */
const users: Record<string, { email: string; displayName: string }> = {
  ada: { email: 'ada@acme.test', displayName: 'Ada Admin' },
  max: { email: 'max@acme.test', displayName: 'Max Member' },
  olga: { email: 'olga@else.test', displayName: 'Olga Outsider' },
};
const accounts: Record<string, { name: string; sso?: string; members: Record<string, Role> }> = {
  acme: { name: 'Acme', members: { ada: 'admin', max: 'member' } },
  contoso: { name: 'Contoso', sso: 'Active Directory', members: { ada: 'admin' } },
  solo: { name: 'Solo', members: { olga: 'admin' } },
};

/** The host's sign-in, reduced to two cookies: `user` and `session`. */
export function principalFromCookies(header: string | undefined): Principal | null {
  const cookies = new Map(
    (header ?? '').split(';').map((pair) => {
      const [name = '', ...value] = pair.trim().split('=');
      return [name, decodeURIComponent(value.join('='))] as const;
    }),
  );
  const userId = cookies.get('user') ?? '';
  const sessionId = cookies.get('session');
  const user = users[userId];
  return user && sessionId ? { userId, sessionId, email: user.email, authMethod: 'password' } : null;
}

/** The directory hooks of `createMfa` (authentication comes from each host's own request type). */
export const directoryHooks: Pick<
  MfaOptions,
  'getMembership' | 'listMemberships' | 'listMembers' | 'getSso'
> = {
  getMembership: (userId, accountId) => {
    const account = accounts[accountId];
    const role = account?.members[userId];
    return account && role ? { role, accountName: account.name } : null;
  },
  listMemberships: (userId) =>
    Object.entries(accounts).flatMap(([accountId, a]) =>
      a.members[userId] ? [{ accountId, accountName: a.name, role: a.members[userId] }] : [],
    ),
  listMembers: (accountId) =>
    Object.entries(accounts[accountId]?.members ?? {}).map(([userId, role]) => ({
      userId,
      role,
      displayName: users[userId]?.displayName ?? userId,
      email: users[userId]?.email ?? '',
    })),
  getSso: (accountId) => {
    const provider = accounts[accountId]?.sso;
    return provider ? { provider } : null;
  },
};
