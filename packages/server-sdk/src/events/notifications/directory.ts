import type { MemberListing, MembershipListing } from '../../model.ts';
import type { NotificationRecipient, NotificationSubscriberOptions } from './subscriber.ts';

type MaybePromise<T> = T | Promise<T>;

/** The membership hooks `createMfa` already has, and the host's optional language of a user. */
export interface MemberDirectoryHooks {
  listMemberships: (userId: string) => MaybePromise<MembershipListing[]>;
  listMembers: (accountId: string) => MaybePromise<MemberListing[]>;
  /** The user's language (a BCP 47 tag), when the host knows it. */
  locale?: (userId: string) => MaybePromise<string | null | undefined>;
}

/**
 * `recipient`, `admins` and `accountName` for `notificationSubscriber`, answered from the
 * membership hooks: a user is found in the member listing of their first account, an account's
 * administrators are its members with the `admin` role. A host with a user directory of its own
 * gives `recipient` directly instead (one lookup, not a member listing).
 */
export function memberDirectory(
  hooks: MemberDirectoryHooks,
): Required<Pick<NotificationSubscriberOptions, 'recipient' | 'admins' | 'accountName'>> {
  const withLocale = async (member: MemberListing): Promise<NotificationRecipient> => {
    const locale = await hooks.locale?.(member.userId);
    const { email, displayName } = member;
    return locale ? { email, displayName, locale } : { email, displayName };
  };
  return {
    async recipient(userId) {
      for (const { accountId } of await hooks.listMemberships(userId)) {
        const member = (await hooks.listMembers(accountId)).find((m) => m.userId === userId);
        if (member) return withLocale(member);
      }
      return null;
    },
    async admins(accountId) {
      const members = (await hooks.listMembers(accountId)).filter((m) => m.role === 'admin');
      return Promise.all(members.map(async (m) => ({ userId: m.userId, ...(await withLocale(m)) })));
    },
    async accountName(accountId, memberId) {
      const found = (await hooks.listMemberships(memberId)).find((m) => m.accountId === accountId);
      return found?.accountName ?? null;
    },
  };
}
