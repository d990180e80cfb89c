import type { NotificationMessage } from '../../src/events/notifications/messages.ts';
import {
  type NotificationRecipient,
  type NotificationSubscriberOptions,
  notificationSubscriber,
} from '../../src/events/notifications/subscriber.ts';
import type { AuditEvent, AuditEventInput } from '../../src/model.ts';

/** A display name that would run as script if it reached the HTML unescaped. */
export const HOSTILE = '<script>alert(1)</script> & "Co"';
export const HOSTILE_ESCAPED = '&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Co&#34;';

/** Ada (the user), Grace and Lena (Acme's administrators), and the account Acme. */
export const people: Record<string, NotificationRecipient> = {
  ada: { email: 'ada@example.test', displayName: `Ada ${HOSTILE}` },
  grace: { email: 'grace@example.test', displayName: 'Grace Hopper' },
  lena: { email: 'lena@example.test', displayName: 'Lena Meyer', locale: 'de-DE' },
};

let sequence = 0;
/** An audit event as the store gives it to the delivery loop. */
export function auditEvent(input: Partial<AuditEventInput> & Pick<AuditEventInput, 'type'>): AuditEvent {
  sequence += 1;
  return {
    id: `evt_${sequence}`,
    actorId: 'ada',
    userId: 'ada',
    accountId: null,
    before: null,
    after: null,
    at: new Date('2026-12-01T10:00:00.000Z'),
    ...input,
  };
}

/**
 * A notification subscriber over `people`, every recipient in `locale` unless the person has
 * one of their own, and what it sent.
 */
export function subscriberFor(
  locale: string | undefined,
  options: Partial<NotificationSubscriberOptions> = {},
): { sent: NotificationMessage[]; deliver: (event: AuditEvent) => Promise<NotificationMessage[]> } {
  const sent: NotificationMessage[] = [];
  const subscriber = notificationSubscriber({
    notify: (message) => {
      sent.push(message);
    },
    recipient: (userId) => {
      const person = people[userId];
      if (!person) return null;
      return locale && userId !== 'lena' ? { ...person, locale } : person;
    },
    admins: (accountId) => (accountId === 'acme' ? ['grace', 'lena'] : []),
    accountName: (accountId) => (accountId === 'acme' ? 'Acme' : null),
    profileUrl: 'https://portal.example/profile?tab=security&x="1"',
    ...options,
  });
  return {
    sent,
    deliver: async (event) => {
      const before = sent.length;
      if (subscriber.wants?.(event) !== false) await subscriber.deliver(event);
      return sent.slice(before);
    },
  };
}
