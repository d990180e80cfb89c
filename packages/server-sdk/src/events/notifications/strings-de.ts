import type { FactorInfo } from './messages.ts';
import type { NotificationStrings } from './strings.ts';

const numbers = new Intl.NumberFormat('de');
const plurals = new Intl.PluralRules('de');
const dates = new Intl.DateTimeFormat('de', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/** A count with its noun in the right number: `count(1, 'Tag', 'Tage')` → "1 Tag", 1800 → "1.800 Tage". */
const count = (n: number, one: string, other: string) =>
  `${numbers.format(n)} ${plurals.select(n) === 'one' ? one : other}`;

/** The factor as the subject of a sentence: „Eine Authenticator-App“, „Der Passkey „YubiKey““. */
const factorName = (f: FactorInfo) =>
  f.method === 'totp'
    ? 'Eine Authenticator-App'
    : f.name
      ? `Der Passkey „${f.name}“`
      : 'Ein Passkey oder Sicherheitsschlüssel';

/** German (`de`), every string; the messages address the recipient formally („Sie“). */
export const de: NotificationStrings = {
  greeting: (name) => `Guten Tag ${name},`,
  dateTime: (at) => `${dates.format(at)} UTC`,
  duration: (seconds) =>
    seconds < 60
      ? count(Math.max(1, Math.round(seconds)), 'Sekunde', 'Sekunden')
      : seconds < 3600
        ? count(Math.round(seconds / 60), 'Minute', 'Minuten')
        : count(Math.round(seconds / 3600), 'Stunde', 'Stunden'),
  actor: (by) =>
    by === 'you'
      ? 'von Ihnen'
      : by === 'support'
        ? 'vom Support des Portals'
        : by === 'someone'
          ? 'von einem Administrator'
          : `von ${by.name}`,
  notYou:
    'Falls Sie das nicht waren, melden Sie sich sofort an, prüfen Sie die Sicherheit Ihrer Anmeldung und ändern Sie Ihr Passwort.',
  profileLink: 'Sicherheit Ihrer Anmeldung prüfen',
  footer: 'Sie erhalten diese Nachricht, weil sie die Sicherheit Ihrer Anmeldung betrifft.',
  adminFooter: (account) => `Sie erhalten diese Nachricht als Administrator von ${account}.`,

  factorAddedSubject: (f) =>
    f.method === 'totp'
      ? 'Eine Authenticator-App wurde Ihrer Anmeldung hinzugefügt'
      : 'Ein Passkey wurde Ihrer Anmeldung hinzugefügt',
  factorAddedBody: (f, when) => [
    `${factorName(f)} wurde am ${when} als zweiter Faktor Ihrer Anmeldung hinzugefügt.`,
  ],
  factorReplacedSubject: () => 'Ihre Authenticator-App wurde ersetzt',
  factorReplacedBody: (_f, when) => [
    `Ihre Authenticator-App wurde am ${when} durch eine neue ersetzt. Codes der bisherigen App gelten nicht mehr, und Ihre anderen Geräte müssen sich erneut bestätigen.`,
  ],
  factorRemovedSubject: (f) =>
    f.method === 'totp'
      ? 'Ihre Authenticator-App wurde entfernt'
      : 'Ein Passkey wurde von Ihrer Anmeldung entfernt',
  factorRemovedBody: (f, when) => [
    f.method === 'totp'
      ? `Ihre Authenticator-App wurde am ${when} von Ihrer Anmeldung entfernt; ihre Codes gelten nicht mehr.`
      : `${factorName(f)} wurde am ${when} von Ihrer Anmeldung entfernt und funktioniert nicht mehr.`,
  ],
  recoveryCodesRegeneratedSubject: 'Neue Wiederherstellungscodes wurden erzeugt',
  recoveryCodesRegeneratedBody: (n, when) => [
    `${n === null ? 'Neue Wiederherstellungscodes wurden' : `${count(n, 'neuer Wiederherstellungscode wurde', 'neue Wiederherstellungscodes wurden')}`} am ${when} für Ihre Anmeldung erzeugt. Ihre bisherigen Wiederherstellungscodes gelten nicht mehr.`,
  ],
  recoveryCodeUsedSubject: (remaining) =>
    remaining <= 3
      ? 'Ein Wiederherstellungscode wurde verwendet: nur noch wenige übrig'
      : 'Ein Wiederherstellungscode wurde zur Anmeldung verwendet',
  recoveryCodeUsedBody: (remaining, when) => [
    `Am ${when} wurde ein Wiederherstellungscode zur Anmeldung verwendet. Jeder Code gilt einmal: Sie haben noch ${count(remaining, 'Wiederherstellungscode', 'Wiederherstellungscodes')}.`,
  ],
  recoveryCodesLow: (remaining) =>
    remaining === 0
      ? 'Sie haben keine Wiederherstellungscodes mehr. Erzeugen Sie jetzt neue, damit Sie sich auch ohne Ihren zweiten Faktor anmelden können.'
      : `Nur noch ${count(remaining, 'Code ist', 'Codes sind')} übrig. Erzeugen Sie bald neue Wiederherstellungscodes, damit Sie sich auch ohne Ihren zweiten Faktor anmelden können.`,
  mfaResetSubject: 'Ihre Multi-Faktor-Authentifizierung wurde zurückgesetzt',
  mfaResetBody: (by, account, when) => [
    `Ihre Multi-Faktor-Authentifizierung${account ? ` für ${account}` : ''} wurde am ${when} ${by} zurückgesetzt. Ihre Authenticator-App, Passkeys und Wiederherstellungscodes wurden entfernt, und Ihre Geräte müssen sich erneut anmelden.`,
    'Richten Sie die Multi-Faktor-Authentifizierung bei Ihrer nächsten Anmeldung erneut ein. Falls Sie das nicht veranlasst haben, wenden Sie sich an Ihren Administrator.',
  ],
  deviceRememberedSubject: 'Ein Gerät wurde für Ihre Anmeldung gemerkt',
  deviceRememberedBody: (label, expiresAt, when) => [
    `${label || 'Ein Gerät'} wurde am ${when} gemerkt: Bei der Anmeldung dort wird ${expiresAt ? `bis ${expiresAt} ` : ''}nicht nach Ihrem zweiten Faktor gefragt.`,
    'Gemerkte Geräte können Sie in Ihrem Profil vergessen.',
  ],
  signInPausedSubject: 'Anmeldung nach Fehlversuchen pausiert',
  signInPausedBody: (failures, pausedFor, when) => [
    `Jemand hat ${count(failures, 'Mal', 'Mal')} in Folge vergeblich versucht, eine Anmeldung an Ihrem Konto mit dem zweiten Faktor zu bestätigen, zuletzt am ${when}. Die Bestätigung ist für ${pausedFor} pausiert.`,
    'Falls Sie das nicht waren, kennt womöglich jemand Ihr Passwort: Ändern Sie es.',
  ],
  memberResetSubject: (member, account) =>
    `Die Multi-Faktor-Authentifizierung von ${member} in ${account} wurde zurückgesetzt`,
  memberResetBody: (member, by, account, when) => [
    `Die Multi-Faktor-Authentifizierung von ${member} in ${account} wurde am ${when} ${by} zurückgesetzt. ${member} muss sie bei der nächsten Anmeldung erneut einrichten.`,
    'Falls Ihnen diese Änderung unbekannt ist, klären Sie sie mit den anderen Administratoren des Kontos.',
  ],
  policyChangedSubject: (account) => `Die MFA-Richtlinie von ${account} wurde geändert`,
  policyChangedBody: (by, account, when) => [
    `Die Richtlinie für die Multi-Faktor-Authentifizierung von ${account} wurde am ${when} ${by} geändert:`,
  ],
  policyChange: (change, s) => {
    switch (change.setting) {
      case 'mode':
        return `MFA: von „${s.modeLabels[change.from]}“ zu „${s.modeLabels[change.to]}“`;
      case 'allowedFactors':
        return `Akzeptierte Methoden: von „${s.allowedFactorsLabels[change.from]}“ zu „${s.allowedFactorsLabels[change.to]}“`;
      case 'gracePeriodDays':
        return `Übergangsfrist: von ${count(change.from, 'Tag', 'Tagen')} auf ${count(change.to, 'Tag', 'Tage')}`;
      case 'rememberDeviceDays':
        return `Geräte merken für: von ${count(change.from, 'Tag', 'Tagen')} auf ${count(change.to, 'Tag', 'Tage')}`;
      case 'enforceAfterSso':
        return change.to
          ? 'MFA wird jetzt auch nach Single Sign-On verlangt'
          : 'MFA wird nach Single Sign-On nicht mehr verlangt';
      case 'enforceFrom':
        return change.to ? `Verlangt ab ${s.dateTime(change.to)}` : 'Sofort verlangt, ohne Startdatum';
    }
  },
  policyChangedOther: 'Andere Einstellungen der Richtlinie wurden geändert.',
  mfaRequiredSoonSubject: (account) => `${account} verlangt Multi-Faktor-Authentifizierung`,
  mfaRequiredSoonBody: (account, from, deadline) => [
    from
      ? `${account} verlangt ab ${from} Multi-Faktor-Authentifizierung für die Anmeldung.`
      : `${account} verlangt ab sofort Multi-Faktor-Authentifizierung für die Anmeldung.`,
    `Bitte richten Sie sie${deadline ? ` bis ${deadline}` : ''} in Ihrem Profil ein: mit einer Authenticator-App oder einem Passkey. Das dauert eine Minute. Danach ist ${account} für Sie erst wieder zugänglich, wenn Sie sie eingerichtet haben.`,
  ],
  mfaReminderSubject: (account) => `Erinnerung: Multi-Faktor-Authentifizierung für ${account} einrichten`,
  mfaReminderBody: (account, deadline) => [
    `Sie haben die Multi-Faktor-Authentifizierung noch nicht eingerichtet. ${account} verlangt sie${deadline ? ` ab ${deadline}` : ''}: danach ist ${account} für Sie erst wieder zugänglich, wenn Sie sie eingerichtet haben.`,
    'Das dauert in Ihrem Profil eine Minute, mit einer Authenticator-App oder einem Passkey.',
  ],
  mfaOverdueSubject: (account) => `Richten Sie Multi-Faktor-Authentifizierung ein, um ${account} zu nutzen`,
  mfaOverdueBody: (account) => [
    `${account} verlangt Multi-Faktor-Authentifizierung, und die Frist zur Einrichtung ist abgelaufen. Sie werden bei Ihrer nächsten Anmeldung bei ${account} aufgefordert, sie einzurichten.`,
  ],
  modeLabels: {
    optional: 'Optional',
    required_admins: 'Pflicht für Administratoren',
    required_all: 'Pflicht für alle Benutzer',
  },
  allowedFactorsLabels: {
    any: 'Jede Methode',
    phishing_resistant: 'Nur phishing-resistente Methoden',
  },
};
