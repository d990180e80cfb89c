import type { MfaStrings } from './mfa-strings.ts';

const plurals = new Intl.PluralRules('de');
const numbers = new Intl.NumberFormat('de');
const members = (n: number) =>
  `${numbers.format(n)} ${plurals.select(n) === 'one' ? 'Mitglied' : 'Mitglieder'}`;

/** The German words of the rollout (a start date, reminders, `<mfa-nudge>`), spread into `de`. */
export const deRollout: Pick<
  MfaStrings,
  | 'enforceFromSummary'
  | 'enforceFromYou'
  | 'enforceFrom'
  | 'enforceFromHint'
  | 'enforceFromInvalid'
  | 'impactFrom'
  | 'impactFromPhishingResistant'
  | 'requiredLead'
  | 'requiredLeadPasskey'
  | 'requiredByPending'
  | 'remindMembers'
  | 'remindNext'
  | 'reminded'
  | 'memberReminded'
  | 'nudgeLabel'
  | 'nudgeSetUp'
  | 'nudgeSetUpFrom'
  | 'nudgeSetUpLink'
  | 'nudgePasskey'
  | 'notNow'
> = {
  enforceFromSummary: (policy, date, pending) => (pending ? `${policy} ab ${date}.` : `Gilt seit ${date}.`),
  enforceFromYou: (date, deadline) =>
    `Ab ${date} verlangt dieses Konto MFA auch von Ihnen: Richten Sie sie bis ${deadline} ein.`,
  enforceFrom: 'Durchsetzen ab',
  enforceFromHint:
    'Optional. Bis dahin wird nichts durchgesetzt und Mitglieder erfahren, dass es kommt; die Übergangsfrist beginnt an diesem Tag.',
  enforceFromInvalid: (last) => `Wählen Sie einen Tag von morgen bis ${last}, oder lassen Sie das Feld leer`,
  impactFrom: (n, from, deadline) =>
    `Ab ${from} ${plurals.select(n) === 'one' ? 'muss' : 'müssen'} ${members(n)} ohne MFA sie einrichten (bis ${deadline}).`,
  impactFromPhishingResistant: (n, from, deadline) =>
    `Ab ${from} ${plurals.select(n) === 'one' ? 'muss' : 'müssen'} ${members(n)} ohne Passkey oder Sicherheitsschlüssel einen hinzufügen (bis ${deadline}).`,
  requiredLead: (account, deadline, from) =>
    `${account} ${from ? `verlangt ab ${from}` : 'verlangt'} die Zwei-Faktor-Authentifizierung: Richten Sie sie ${deadline ? `bis ${deadline}` : 'jetzt'} ein.`,
  requiredLeadPasskey: (account, deadline, from) =>
    `${account} lässt ${from ? `ab ${from} ` : ''}nur Passkeys und Sicherheitsschlüssel zu: Fügen Sie ${deadline ? `bis ${deadline}` : 'jetzt'} einen hinzu.`,
  requiredByPending: (account, from, deadline) => `${account}: ab ${from} – einrichten bis ${deadline}`,
  remindMembers: 'Mitglieder ohne MFA erinnern',
  remindNext: (when) => `Nächste Erinnerung möglich am ${when}`,
  reminded: (n) => (n ? `${members(n)} erinnert` : 'Niemand brauchte eine Erinnerung.'),
  memberReminded: (date) => `Zuletzt erinnert am ${date}`,
  nudgeLabel: 'Kontosicherheit',
  nudgeSetUp:
    'Schützen Sie Ihr Konto: Mit einem zweiten Schritt bei der Anmeldung genügt ein Passwort allein nicht mehr.',
  nudgeSetUpFrom: (date) =>
    `Ihr Konto verlangt ab ${date} MFA. Richten Sie sie jetzt ein, dann sind Sie bereit.`,
  nudgeSetUpLink: 'MFA einrichten',
  nudgePasskey:
    'Melden Sie sich nächstes Mal mit Fingerabdruck oder Gesicht an: Fügen Sie einen Passkey hinzu, statt Codes einzutippen.',
  notNow: 'Nicht jetzt',
};
