import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { NotificationMessage } from '@mfakit/server-sdk';

/** A security notification the demo "sent": the SDK's message and when `notify` was given it. */
export interface SentMail {
  message: NotificationMessage;
  sentAt: Date;
}

/**
 * Where the demo's `notify` puts the messages a real portal would hand to its mailer, for
 * the Mail page to show. `notify` is given each message at least once (a delivery repeated
 * after a crash comes again with the same `id`): a mailbox keeps it once, as a mailer
 * given the id as its idempotency key would send it once.
 */
export interface Mailbox {
  /** Keeps `message`; a message already kept (by its `id`) changes nothing. */
  send(message: NotificationMessage, sentAt: Date): void;
  /** The newest `limit` messages, newest first. */
  list(limit: number): SentMail[];
}

/** A mailbox in this process only (the tests'). */
export function memoryMailbox(): Mailbox {
  return mailboxOf([], () => {});
}

/**
 * A mailbox in a file of JSON lines, one message a line, next to the demo's other data: the
 * SDK records in its store how far delivery got, so a mailbox that forgot on a restart would
 * lose what was sent before it for good. One demo process writes it.
 */
export function fileMailbox(filename: string): Mailbox {
  const kept: SentMail[] = [];
  if (existsSync(filename)) {
    for (const line of readFileSync(filename, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const { message, sentAt } = JSON.parse(line) as { message: NotificationMessage; sentAt: string };
        if (typeof message?.id === 'string') kept.push({ message, sentAt: new Date(sentAt) });
      } catch {
        // A line cut short (the process stopped while writing it): the message is lost, the rest is not.
      }
    }
  }
  return mailboxOf(kept, (mail) =>
    appendFileSync(filename, `${JSON.stringify(mail)}\n`, { encoding: 'utf8', mode: 0o600 }),
  );
}

function mailboxOf(kept: SentMail[], write: (mail: SentMail) => void): Mailbox {
  const ids = new Set(kept.map((mail) => mail.message.id));
  return {
    send(message, sentAt) {
      if (ids.has(message.id)) return;
      const mail = { message, sentAt };
      write(mail);
      ids.add(message.id);
      kept.push(mail);
    },
    list: (limit) => kept.slice(-limit).reverse(),
  };
}
