import { MfaConfigError } from '../../errors.ts';
import type { AuditEvent } from '../../model.ts';
import type { Subscriber } from '../subscriber.ts';
import {
  type Actor,
  type Notice,
  type NotificationDetails,
  type NotificationMessage,
  noticesFor,
} from './messages.ts';
import { en, type NotificationStrings } from './strings.ts';
import { de } from './strings-de.ts';
import { renderNotification } from './templates.ts';

type MaybePromise<T> = T | Promise<T>;

/** Whom a message goes to, as the host's `recipient` hook answers. */
export interface NotificationRecipient {
  email: string;
  displayName: string;
  /** A BCP 47 tag (`de`, `de-AT`, `en-GB`); messages are in its language when there are strings for it. */
  locale?: string | null;
}

/** An administrator, by user id or as a recipient already. */
export type AdminRecipient = string | (NotificationRecipient & { userId: string });

export interface NotificationSubscriberOptions {
  /** Sends one ready message (the host's mailer); a throw has the event tried again later. */
  notify: (message: NotificationMessage) => MaybePromise<void>;
  /** Who `userId` is, or `null` to send them nothing. */
  recipient: (userId: string) => MaybePromise<NotificationRecipient | null>;
  /** The administrators of an account, who hear of member resets and policy changes (nobody without). */
  admins?: (accountId: string) => MaybePromise<readonly AdminRecipient[]>;
  /** The account's name as `memberId`, one of its members, sees it (default: the account's id). */
  accountName?: (accountId: string, memberId: string) => MaybePromise<string | null>;
  /** The host's profile page, where the user reviews their factors: linked in messages to the user. */
  profileUrl?: string;
  /** Words to replace, per language (`{ de: { footer: '…' } }`); a language of its own falls back to English. */
  strings?: Readonly<Record<string, Partial<NotificationStrings>>>;
  /** The language of recipients whose own is unknown or has no strings, default `en`. */
  locale?: string;
}

const builtIn: Readonly<Record<string, NotificationStrings>> = { en, de };

/** Checks the options (`MfaConfigError`); answers `profileUrl` normalised, or null. */
function checkOptions(options: NotificationSubscriberOptions): string | null {
  const fail = (why: string) => new MfaConfigError(`notify: ${why}`);
  if (!options || typeof options !== 'object') throw fail('options are required.');
  if (typeof options.notify !== 'function') throw fail('`notify` must be a function that sends a message.');
  if (typeof options.recipient !== 'function') {
    throw fail('`recipient` must be a function answering `{ email, displayName, locale? }` or null.');
  }
  for (const hook of ['admins', 'accountName'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function')
      throw fail(`\`${hook}\` must be a function.`);
  }
  let profileUrl: URL | null = null;
  if (options.profileUrl !== undefined) {
    try {
      profileUrl = new URL(options.profileUrl);
    } catch {}
    if (!profileUrl || (profileUrl.protocol !== 'https:' && profileUrl.protocol !== 'http:')) {
      throw fail('`profileUrl` must be an absolute https: (or http:) URL.');
    }
  }
  if (options.locale !== undefined && (typeof options.locale !== 'string' || options.locale === '')) {
    throw fail('`locale` must be a language tag such as "en" or "de".');
  }
  const strings = options.strings ?? {};
  if (typeof strings !== 'object' || Object.values(strings).some((s) => !s || typeof s !== 'object')) {
    throw fail('`strings` maps a language to the strings to replace: `{ de: { footer: "…" } }`.');
  }
  return profileUrl?.href ?? null;
}

/**
 * A subscriber that turns each audit event into security notifications (DESIGN "Events and
 * notifications") and hands each to `notify`: to the user, on a factor added, replaced or
 * removed, recovery codes regenerated or used, their MFA reset, a device remembered, or
 * sign-in paused after repeated failures; to the account's administrators, on a member's
 * reset and a policy change. Each message is written in the recipient's language (English
 * and German built in, falling back to `locale`, then English), as text and as HTML, and
 * carries an `id` stable per event, kind and recipient: when a delivery is tried again,
 * messages already sent come again with the same id, for the host to send once.
 *
 * No message holds a secret, a code or a token; names placed in HTML are escaped.
 *
 * @example
 * const subscriber = notificationSubscriber({
 *   notify: (message) => mailer.send({ to: message.to.email, subject: message.subject,
 *     text: message.text, html: message.html, idempotencyKey: message.id }),
 *   recipient: async (userId) => users.contact(userId), // { email, displayName, locale }
 *   admins: async (accountId) => users.adminsOf(accountId), // user ids
 *   profileUrl: 'https://portal.example/profile/security',
 * });
 */
export function notificationSubscriber(options: NotificationSubscriberOptions): Subscriber {
  const profileUrl = checkOptions(options);
  const { notify, recipient, admins, accountName } = options;
  const overrides = options.strings ?? {};
  const languages = new Map<string, string>(
    [...Object.keys(builtIn), ...Object.keys(overrides)].map((tag) => [tag.toLowerCase(), tag]),
  );
  const merged = new Map<string, NotificationStrings>();

  /** The language of strings that best serves `tag` (`de-AT` → `de`), or null. */
  const language = (tag: string | null | undefined): string | null => {
    if (!tag) return null;
    const lower = tag.toLowerCase();
    return languages.get(lower) ?? languages.get(lower.split(/[-_]/)[0] ?? '') ?? null;
  };
  const fallback = language(options.locale) ?? 'en';
  const stringsOf = (locale: string): NotificationStrings => {
    let strings = merged.get(locale);
    if (!strings) {
      strings = { ...en, ...builtIn[locale], ...overrides[locale] };
      merged.set(locale, strings);
    }
    return strings;
  };

  return {
    name: 'notify',
    wants: (event) => noticesFor(event).length > 0,
    async deliver(event: AuditEvent) {
      // One event's lookups are made once, whatever number of messages it makes.
      const people = new Map<string, Promise<NotificationRecipient | null>>();
      const person = (userId: string) => {
        let found = people.get(userId);
        if (!found) {
          found = Promise.resolve(recipient(userId));
          people.set(userId, found);
        }
        return found;
      };
      const accountNames = new Map<string, Promise<string>>();
      const nameOf = (accountId: string, memberId: string) => {
        let found = accountNames.get(accountId);
        if (!found) {
          found = Promise.resolve(accountName?.(accountId, memberId)).then((name) => name || accountId);
          accountNames.set(accountId, found);
        }
        return found;
      };
      const actor = async (actorId: string | null, to: string): Promise<Actor> => {
        if (actorId === null) return 'support';
        if (actorId === to) return 'you';
        const found = await person(actorId);
        return found ? { name: found.displayName } : 'someone';
      };

      /** The details of `notice` as `userId` reads them (names resolved for them). */
      const detailsFor = async (notice: Notice, userId: string): Promise<NotificationDetails> => {
        if ('details' in notice) return notice.details;
        if (!('actorId' in notice)) {
          const { kind, deadline, enforceFrom } = notice;
          return { kind, account: await nameOf(notice.accountId, userId), deadline, enforceFrom };
        }
        const by = await actor(notice.actorId, userId);
        if (notice.kind === 'mfa_reset') {
          const account = notice.accountId === null ? null : await nameOf(notice.accountId, userId);
          return { kind: 'mfa_reset', by, account };
        }
        const account = await nameOf(notice.accountId, userId);
        if (notice.kind === 'policy_changed')
          return { kind: 'policy_changed', by, account, changes: notice.changes };
        const member = event.userId === null ? null : await person(event.userId);
        return { kind: 'member_reset', member: member?.displayName ?? event.userId ?? '', by, account };
      };
      /** Whom `notice` goes to: the user the event concerns, or the account's administrators. */
      const recipientsOf = async (notice: Notice): Promise<string[]> => {
        if (notice.audience === 'user') return event.userId === null ? [] : [event.userId];
        const to: string[] = [];
        for (const admin of admins ? await admins(notice.accountId) : []) {
          const userId = typeof admin === 'string' ? admin : admin.userId;
          if (typeof admin !== 'string') people.set(userId, Promise.resolve(admin));
          // The member whose MFA was reset hears of it as the user (mfa_reset).
          if (notice.kind === 'member_reset' && userId === event.userId) continue;
          if (!to.includes(userId)) to.push(userId);
        }
        return to;
      };

      for (const notice of noticesFor(event)) {
        for (const userId of await recipientsOf(notice)) {
          const contact = await person(userId);
          if (!contact) continue;
          const locale = language(contact.locale) ?? fallback;
          const details = await detailsFor(notice, userId);
          const rendered = renderNotification(details, stringsOf(locale), {
            displayName: contact.displayName,
            at: event.at,
            locale,
            profileUrl,
          });
          await notify({
            id: `${event.id}:${details.kind}:${userId}`,
            kind: details.kind,
            to: { userId, email: contact.email, displayName: contact.displayName },
            locale,
            ...rendered,
          });
        }
      }
    },
  };
}
