/**
 * Every security notification, in English and in German: what its subject, text and HTML say
 * to the person it goes to. The user's display name is hostile HTML throughout, so each HTML
 * message is also checked to carry it escaped, never as markup.
 */
import { describe, expect, it } from 'vitest';
import type { NotificationKind } from '../../src/events/notifications/messages.ts';
import type { AuditEvent } from '../../src/model.ts';
import { auditEvent, HOSTILE, HOSTILE_ESCAPED, subscriberFor } from './notifications.support.ts';

interface Wording {
  subject: RegExp;
  /** Each found in the text, and (escaped as HTML escapes it) in the HTML. */
  says: string[];
  /** Found in neither. */
  never?: string[];
}

interface Case {
  title: string;
  kind: NotificationKind;
  event: () => AuditEvent;
  /** Who the message goes to (default: Ada, the user the event concerns). */
  to?: string;
  en: Wording;
  de: Wording;
}

const acmeReset = () =>
  auditEvent({
    type: 'mfa.reset',
    actorId: 'grace',
    accountId: 'acme',
    before: { enrolled: true },
    after: { enrolled: false },
  });

const cases: Case[] = [
  {
    title: 'an authenticator app added',
    kind: 'factor_added',
    event: () =>
      auditEvent({
        type: 'mfa.enrolled',
        before: { enrolled: false },
        after: { enrolled: true, factor: 'totp' },
      }),
    en: {
      subject: /authenticator app was added/,
      says: ['An authenticator app was added', 'December 1, 2026'],
    },
    de: {
      subject: /Authenticator-App wurde Ihrer Anmeldung hinzugefügt/,
      says: ['1. Dezember 2026', 'als zweiter Faktor'],
    },
  },
  {
    title: 'a passkey added, with its name',
    kind: 'factor_added',
    event: () =>
      auditEvent({
        type: 'webauthn.registered',
        after: { credentialId: 'cred-7f3a', name: 'YubiKey <5>', firstFactor: false },
      }),
    en: {
      subject: /A passkey was added/,
      says: ['The passkey “YubiKey <5>” was added'],
      never: ['cred-7f3a'],
    },
    de: { subject: /Ein Passkey wurde/, says: ['Der Passkey „YubiKey <5>“ wurde am'], never: ['cred-7f3a'] },
  },
  {
    title: 'the authenticator app replaced',
    kind: 'factor_replaced',
    event: () =>
      auditEvent({
        type: 'mfa.enrolled',
        before: { enrolled: true },
        after: { enrolled: true, factor: 'totp' },
      }),
    en: {
      subject: /^Your authenticator app was replaced$/,
      says: ['replaced by a new one', 'no longer work'],
    },
    de: {
      subject: /^Ihre Authenticator-App wurde ersetzt$/,
      says: ['durch eine neue ersetzt', 'gelten nicht mehr'],
    },
  },
  {
    title: 'the authenticator app removed',
    kind: 'factor_removed',
    event: () => auditEvent({ type: 'mfa.removed', before: { enrolled: true }, after: { enrolled: true } }),
    en: { subject: /^Your authenticator app was removed$/, says: ['Your authenticator app was removed'] },
    de: { subject: /^Ihre Authenticator-App wurde entfernt$/, says: ['von Ihrer Anmeldung entfernt'] },
  },
  {
    title: 'a passkey removed (the event names no passkey)',
    kind: 'factor_removed',
    event: () =>
      auditEvent({
        type: 'webauthn.removed',
        before: { credentialId: 'cred-7f3a', enrolled: true },
        after: { enrolled: true },
      }),
    en: {
      subject: /A passkey was removed/,
      says: ['A passkey or security key was removed'],
      never: ['cred-7f3a'],
    },
    de: {
      subject: /Ein Passkey wurde von Ihrer Anmeldung entfernt/,
      says: ['Ein Passkey oder Sicherheitsschlüssel wurde am'],
      never: ['cred-7f3a'],
    },
  },
  {
    title: 'a passkey removed, with its name when the event has it',
    kind: 'factor_removed',
    event: () =>
      auditEvent({
        type: 'webauthn.removed',
        before: { credentialId: 'c', name: 'Work laptop', enrolled: true },
        after: { enrolled: true },
      }),
    en: { subject: /A passkey was removed/, says: ['The passkey “Work laptop” was removed'] },
    de: { subject: /Ein Passkey wurde/, says: ['Der Passkey „Work laptop“ wurde am'] },
  },
  {
    title: 'recovery codes regenerated',
    kind: 'recovery_codes_regenerated',
    event: () =>
      auditEvent({ type: 'recovery_codes.regenerated', before: { remaining: 4 }, after: { remaining: 10 } }),
    en: {
      subject: /^New recovery codes were created$/,
      says: ['10 new recovery codes were created', 'previous recovery codes no longer work'],
    },
    de: {
      subject: /^Neue Wiederherstellungscodes wurden erzeugt$/,
      says: ['10 neue Wiederherstellungscodes wurden', 'gelten nicht mehr'],
    },
  },
  {
    title: 'a recovery code used, plenty left',
    kind: 'recovery_code_used',
    event: () =>
      auditEvent({ type: 'recovery_code.used', before: { remaining: 8 }, after: { remaining: 7 } }),
    en: {
      subject: /^A recovery code was used to sign in$/,
      says: ['7 recovery codes left'],
      never: ['Create new recovery codes soon'],
    },
    de: {
      subject: /zur Anmeldung verwendet$/,
      says: ['noch 7 Wiederherstellungscodes'],
      never: ['Erzeugen Sie bald'],
    },
  },
  {
    title: 'a recovery code used, three left: a warning',
    kind: 'recovery_code_used',
    event: () =>
      auditEvent({ type: 'recovery_code.used', before: { remaining: 4 }, after: { remaining: 3 } }),
    en: {
      subject: /few codes left/,
      says: ['3 recovery codes left', 'Only 3 codes are left. Create new recovery codes soon'],
    },
    de: {
      subject: /nur noch wenige übrig/,
      says: ['noch 3 Wiederherstellungscodes', 'Nur noch 3 Codes sind übrig. Erzeugen Sie bald'],
    },
  },
  {
    title: 'the last recovery code used',
    kind: 'recovery_code_used',
    event: () =>
      auditEvent({ type: 'recovery_code.used', before: { remaining: 1 }, after: { remaining: 0 } }),
    en: {
      subject: /few codes left/,
      says: ['0 recovery codes left', 'You have no recovery codes left. Create new ones now'],
    },
    de: { subject: /nur noch wenige/, says: ['Sie haben keine Wiederherstellungscodes mehr'] },
  },
  {
    title: 'MFA reset by an administrator of an account',
    kind: 'mfa_reset',
    event: acmeReset,
    en: {
      subject: /^Your multi-factor authentication was reset$/,
      says: ['for Acme was reset by Grace Hopper', 'Set up multi-factor authentication again'],
    },
    de: {
      subject: /^Ihre Multi-Faktor-Authentifizierung wurde zurückgesetzt$/,
      says: ['für Acme wurde am', 'von Grace Hopper zurückgesetzt'],
    },
  },
  {
    title: "MFA reset by the portal's support",
    kind: 'mfa_reset',
    event: () =>
      auditEvent({
        type: 'mfa.reset',
        actorId: null,
        before: { enrolled: true },
        after: { enrolled: false },
      }),
    en: {
      subject: /was reset/,
      says: ["Your multi-factor authentication was reset by the portal's support"],
      never: ['for Acme'],
    },
    de: {
      subject: /zurückgesetzt/,
      says: ['Ihre Multi-Faktor-Authentifizierung wurde am', 'vom Support des Portals zurückgesetzt'],
    },
  },
  {
    title: 'a device remembered, with its label',
    kind: 'device_remembered',
    event: () =>
      auditEvent({
        type: 'device.remembered',
        after: {
          deviceId: 'dev-91c2',
          label: 'Firefox on macOS',
          method: 'totp',
          expiresAt: '2026-12-31T10:00:00.000Z',
        },
      }),
    en: {
      subject: /device was remembered/,
      says: ['Firefox on macOS was remembered', 'until December 31, 2026'],
      never: ['dev-91c2'],
    },
    de: {
      subject: /Gerät wurde für Ihre Anmeldung gemerkt/,
      says: ['Firefox on macOS wurde am', 'bis 31. Dezember 2026'],
      never: ['dev-91c2'],
    },
  },
  {
    title: 'sign-in paused after repeated wrong codes',
    kind: 'sign_in_paused',
    event: () => auditEvent({ type: 'challenge.locked', after: { failures: 6, lockedForSeconds: 60 } }),
    en: {
      subject: /^Sign-in paused after failed attempts$/,
      says: ['failed 6 times in a row', 'paused for 1 minute', 'change it'],
    },
    de: {
      subject: /^Anmeldung nach Fehlversuchen pausiert$/,
      says: ['6 Mal in Folge', 'für 1 Minute pausiert', 'Ändern Sie es'],
    },
  },
  {
    title: "a member's MFA reset, to the account's administrators",
    kind: 'member_reset',
    event: acmeReset,
    to: 'grace',
    en: {
      subject: /^Ada .*'s multi-factor authentication was reset in Acme$/,
      says: [`of Ada ${HOSTILE} in Acme was reset by you`, 'other administrators'],
    },
    de: {
      subject: /^Die Multi-Faktor-Authentifizierung von Ada .* in Acme wurde zurückgesetzt$/,
      says: ['von Ihnen zurückgesetzt', 'anderen Administratoren'],
    },
  },
  {
    title: 'a requiring policy announced ahead, with its start date',
    kind: 'mfa_required_soon',
    event: () =>
      auditEvent({
        type: 'reminder.sent',
        actorId: null,
        accountId: 'acme',
        after: {
          stage: 'announcement',
          deadline: '2026-12-11T00:00:00.000Z',
          enforceFrom: '2026-12-04T00:00:00.000Z',
        },
      }),
    en: {
      subject: /^Acme requires multi-factor authentication$/,
      says: [
        'will require multi-factor authentication to sign in from December 4, 2026',
        'by December 11, 2026',
      ],
    },
    de: {
      subject: /^Acme verlangt Multi-Faktor-Authentifizierung$/,
      says: ['verlangt ab 4. Dezember 2026', 'bis 11. Dezember 2026'],
    },
  },
  {
    title: 'a reminder before the deadline',
    kind: 'mfa_reminder',
    event: () =>
      auditEvent({
        type: 'reminder.sent',
        actorId: null,
        accountId: 'acme',
        after: { stage: 'one_day', deadline: '2026-12-02T10:00:00.000Z', enforceFrom: null },
      }),
    en: {
      subject: /^Reminder: set up multi-factor authentication for Acme$/,
      says: ['not set up multi-factor authentication yet', 'from December 2, 2026'],
    },
    de: {
      subject: /^Erinnerung: Multi-Faktor-Authentifizierung für Acme einrichten$/,
      says: ['noch nicht eingerichtet', 'ab 2. Dezember 2026'],
    },
  },
  {
    title: "an administrator's reminder after the deadline: overdue",
    kind: 'mfa_overdue',
    event: () =>
      auditEvent({
        type: 'reminder.sent',
        actorId: 'grace',
        accountId: 'acme',
        after: { stage: 'manual', deadline: '2026-11-30T10:00:00.000Z', enforceFrom: null },
      }),
    en: {
      subject: /^Set up multi-factor authentication to access Acme$/,
      says: ['the time to set it up has ended'],
    },
    de: {
      subject: /^Richten Sie Multi-Faktor-Authentifizierung ein, um Acme zu nutzen$/,
      says: ['Frist zur Einrichtung ist abgelaufen'],
    },
  },
  {
    title: "the policy changed, to the account's administrators",
    kind: 'policy_changed',
    to: 'grace',
    event: () =>
      auditEvent({
        type: 'policy.updated',
        actorId: 'lena',
        userId: null,
        accountId: 'acme',
        before: {
          mode: 'optional',
          gracePeriodDays: 14,
          enforceAfterSso: false,
          allowedFactors: 'any',
          rememberDeviceDays: 0,
        },
        after: {
          mode: 'required_all',
          gracePeriodDays: 7,
          enforceAfterSso: true,
          allowedFactors: 'phishing_resistant',
          rememberDeviceDays: 0,
        },
      }),
    en: {
      subject: /^The MFA policy of Acme was changed$/,
      says: [
        'changed by Lena Meyer',
        'from “Optional” to “Required for all users”',
        'from 14 days to 7 days',
        '“Phishing-resistant only”',
        'also required after Single Sign-On',
      ],
      never: ['Remember devices'],
    },
    de: {
      subject: /^Die MFA-Richtlinie von Acme wurde geändert$/,
      says: [
        'von Lena Meyer geändert',
        'von „Optional“ zu „Pflicht für alle Benutzer“',
        'von 14 Tagen auf 7 Tage',
        'auch nach Single Sign-On verlangt',
      ],
    },
  },
];

/** `text` as it appears in the HTML messages (escaped). */
const asHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

describe('each notification kind, in both languages', () => {
  for (const c of cases) {
    for (const locale of ['en', 'de'] as const) {
      it(`${c.title} (${locale})`, async () => {
        const { deliver } = subscriberFor(locale);
        const event = c.event();
        const to = c.to ?? 'ada';
        const message = (await deliver(event)).find((m) => m.to.userId === to);
        expect(message, 'a message to the recipient').toBeDefined();
        if (!message) return;
        const wording = c[locale];
        expect(message.kind).toBe(c.kind);
        expect(message.id).toBe(`${event.id}:${c.kind}:${to}`);
        expect(message.locale).toBe(locale);
        expect(message.subject).toMatch(wording.subject);
        for (const phrase of wording.says) {
          expect(message.text).toContain(phrase);
          expect(message.html).toContain(asHtml(phrase));
        }
        for (const phrase of wording.never ?? []) {
          expect(message.text).not.toContain(phrase);
          expect(message.html).not.toContain(phrase);
        }
        expect(message.html).toContain(`<html lang="${locale}">`);
        // The hostile name is placed escaped, never as markup.
        expect(message.html).not.toContain('<script>');
        if (to === 'ada' || c.kind === 'member_reset') expect(message.html).toContain(HOSTILE_ESCAPED);
      });
    }
  }

  it('covers every kind', () => {
    const kinds = new Set(cases.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(
      [
        'factor_added',
        'factor_replaced',
        'factor_removed',
        'recovery_codes_regenerated',
        'recovery_code_used',
        'mfa_reset',
        'mfa_required_soon',
        'mfa_reminder',
        'mfa_overdue',
        'device_remembered',
        'sign_in_paused',
        'member_reset',
        'policy_changed',
      ].sort(),
    );
  });
});
