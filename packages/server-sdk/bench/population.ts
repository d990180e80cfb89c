/**
 * The benchmarks' synthetic portal: users `u<i>` and accounts `a<j>`, user i a
 * member of account `i % accounts` (its administrator when i < accounts), every
 * tenth account with SSO. Each user's TOTP secret is derived from its number, so
 * the load generator can compute the codes that the server will accept.
 */
import { createHash, createHmac } from 'node:crypto';
import { toBase32 } from '../src/crypto/encoding.ts';
import type {
  MemberListing,
  Membership,
  MembershipListing,
  Principal,
  SsoIntegration,
} from '../src/index.ts';

/** The `secret` option of every benchmark host (HKDF input for the sealing and hashing keys). */
export const BENCH_SECRET = 'mfakit-bench-secret-of-at-least-32-bytes!';

export interface Population {
  users: number;
  accounts: number;
}

export const userId = (i: number) => `u${i}`;
export const accountId = (j: number) => `a${j}`;
export const accountOf = (i: number, population: Population) => i % population.accounts;

/** The 160-bit TOTP secret of user i, as base32: the same in every process. */
export function totpSecretOf(i: number): string {
  return toBase32(createHash('sha256').update(`mfakit-bench/${i}`).digest().subarray(0, 20));
}

function indexOf(id: string, prefix: string): number {
  if (!id.startsWith(prefix)) return -1;
  const n = Number(id.slice(prefix.length));
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

/**
 * `getMembership`, `listMemberships`, `listMembers`, `getSso` of the synthetic
 * host, answered from maps built here (as a host with its directory in memory
 * would answer): the guard's benchmark then measures the SDK, not the host.
 */
export function directoryHooks(population: Population) {
  const roleOf = (i: number) => (i < population.accounts ? 'admin' : 'member');
  const memberships = new Map<string, { accountId: string; membership: Membership }>();
  for (let i = 0; i < population.users; i++) {
    const j = accountOf(i, population);
    memberships.set(userId(i), {
      accountId: accountId(j),
      membership: { role: roleOf(i), accountName: `Account ${j}` },
    });
  }
  const ssoOf = new Map<string, SsoIntegration | null>();
  for (let j = 0; j < population.accounts; j++) {
    ssoOf.set(accountId(j), j % 10 === 0 ? { provider: 'Active Directory' } : null);
  }
  return {
    getMembership: (user: string, account: string): Membership | null => {
      const entry = memberships.get(user);
      return entry !== undefined && entry.accountId === account ? entry.membership : null;
    },
    listMemberships: (user: string): MembershipListing[] => {
      const entry = memberships.get(user);
      return entry ? [{ accountId: entry.accountId, ...entry.membership }] : [];
    },
    listMembers: (account: string): MemberListing[] => {
      const j = indexOf(account, 'a');
      const members: MemberListing[] = [];
      if (j < 0 || j >= population.accounts) return members;
      for (let i = j; i < population.users; i += population.accounts) {
        members.push({
          userId: userId(i),
          displayName: `User ${i}`,
          email: `u${i}@bench.test`,
          role: roleOf(i),
        });
      }
      return members;
    },
    getSso: (account: string): SsoIntegration | null => ssoOf.get(account) ?? null,
  };
}

/** The principal the benchmark host's `authenticate` makes of its `x-user` and `x-session` headers. */
export function principalOf(user: string | undefined, session: string | undefined): Principal | null {
  if (!user) return null;
  return { userId: user, sessionId: session ?? `${user}-s`, authMethod: 'password' };
}

/** The TOTP code of user i at `epochMs` (RFC 6238: HMAC-SHA-1, 30 s, 6 digits), synchronously. */
export function totpCodeOf(i: number, epochMs: number): string {
  const key = createHash('sha256').update(`mfakit-bench/${i}`).digest().subarray(0, 20);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochMs / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[19] as number) & 0xf;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}
