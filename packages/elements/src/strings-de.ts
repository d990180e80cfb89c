import type { ClientErrorCode } from './client.ts';
import { deRollout } from './strings/de-rollout.ts';
import type { MfaStrings } from './strings/mfa-strings.ts';

const plurals = new Intl.PluralRules('de');
const numbers = new Intl.NumberFormat('de');

/** A count with its noun in the right number: `count(1, 'Tag', 'Tage')` → "1 Tag", 1800 → "1.800 Tage". */
function count(n: number, one: string, other: string): string {
  return `${numbers.format(n)} ${plurals.select(n) === 'one' ? one : other}`;
}

/** Every error a request can end in, so no English server message reaches a German page. */
const errors: Record<ClientErrorCode, string> & { fallback: string } = {
  network_error: 'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  unexpected_response: 'Der Server hat unerwartet geantwortet. Versuchen Sie es erneut.',
  invalid_request: 'Die Anfrage ist ungültig.',
  invalid_code: 'Dieser Code ist ungültig.',
  invalid_credential:
    'Dieser Passkey konnte nicht bestätigt werden. Versuchen Sie es erneut oder auf anderem Weg.',
  challenge_expired: 'Das hat zu lange gedauert. Versuchen Sie es erneut.',
  webauthn_not_configured:
    'Passkeys sind für diese Website noch nicht eingerichtet. Verwenden Sie Ihre Authenticator-App oder wenden Sie sich an die Website.',
  too_many_credentials:
    'Sie haben 10 Passkeys und Sicherheitsschlüssel, mehr sind nicht möglich. Entfernen Sie zuerst einen.',
  unauthenticated: 'Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an.',
  step_up_required: 'Bestätigen Sie zuerst mit einem Passkey oder Ihrer Authenticator-App.',
  not_admin: 'Nur ein Administrator dieses Kontos kann das tun.',
  forbidden_origin: 'Anfragen von dieser Herkunft sind nicht erlaubt.',
  enrollment_required: 'Richten Sie die Multi-Faktor-Authentifizierung ein, um auf dieses Konto zuzugreifen.',
  mfa_required_for_action:
    'Richten Sie zuerst die Multi-Faktor-Authentifizierung ein: erst dann ist diese Aktion möglich.',
  challenge_required:
    'Bestätigen Sie mit einem Passkey oder Ihrer Authenticator-App, um auf dieses Konto zuzugreifen.',
  not_member: 'Sie sind kein Mitglied dieses Kontos.',
  not_found: 'Diese Adresse gibt es nicht.',
  version_conflict:
    'Jemand anderes hat diese Richtlinie inzwischen geändert. Prüfen Sie sie und versuchen Sie es erneut.',
  mfa_required_by_policy: 'Ein Konto, dem Sie angehören, verlangt die Multi-Faktor-Authentifizierung.',
  not_enrolled: 'Die Multi-Faktor-Authentifizierung ist nicht eingerichtet.',
  shared_member:
    'Dieser Benutzer gehört auch anderen Konten an; seine MFA kann nur der Support des Portals zurücksetzen.',
  payload_too_large: 'Die Anfrage ist zu groß.',
  unsupported_media_type: 'Die Anfrage muss als JSON gesendet werden.',
  too_many_attempts: 'Zu viele Fehlversuche. Warten Sie, bevor Sie es erneut versuchen.',
  unavailable:
    'Die Multi-Faktor-Authentifizierung ist vorübergehend nicht verfügbar. Versuchen Sie es gleich noch einmal.',
  reminder_limit: 'Die Mitglieder dieses Kontos wurden vor weniger als einem Tag erinnert.',
  nothing_to_remind: 'Niemand zu erinnern: Die Richtlinie dieses Kontos verlangt keine MFA.',
  snooze_limit: 'Dieser Hinweis lässt sich nicht noch einmal verschieben.',
  fallback: 'Etwas ist schiefgelaufen. Versuchen Sie es erneut.',
};

/**
 * German. Pass it as an element's `strings` and set `lang="de"` on the element
 * (or an ancestor) so that dates are formatted the German way too. It has its own
 * entry point, so pages in other languages do not ship it.
 *
 * @example
 * import { de } from '@mfakit/elements/strings/de';
 * settings.lang = 'de';
 * settings.strings = de;
 */
export const de: MfaStrings = {
  ...deRollout,
  modeLabels: {
    optional: 'Optional',
    required_admins: 'Pflicht für Administratoren',
    required_all: 'Pflicht für alle Benutzer',
  },
  modeDescriptions: {
    optional:
      'Niemand wird verpflichtet. Benutzer können MFA in ihrem Profil einrichten; wer sie eingerichtet hat, wird bei der Anmeldung danach gefragt.',
    required_admins:
      'Administratoren dieses Kontos müssen MFA einrichten, um darauf zuzugreifen; andere Mitglieder können es.',
    required_all: 'Jedes Mitglied muss MFA einrichten, um auf dieses Konto zuzugreifen.',
  },
  allowedFactorsLabels: {
    any: 'Jede Methode',
    phishing_resistant: 'Nur phishing-resistente Methoden',
  },
  allowedFactorsDescriptions: {
    any: 'Authenticator-Apps, Passkeys und Sicherheitsschlüssel.',
    phishing_resistant:
      'Nur Passkeys und Sicherheitsschlüssel: Sie lassen sich nicht abfischen. Mitglieder mit nur einer Authenticator-App müssen einen hinzufügen.',
  },
  loading: 'Wird geladen …',
  retry: 'Erneut versuchen',
  settingsTitle: 'Multi-Faktor-Authentifizierung',
  currentPolicy: 'Aktuelle Richtlinie',
  manage: 'Verwalten',
  changedBy: (name, date) => `Geändert von ${name} am ${date}.`,
  neverChanged: 'Die Standardrichtlinie; niemand hat sie geändert.',
  compliance: (enrolled, members) =>
    `${numbers.format(enrolled)} von ${count(members, 'Mitglied hat', 'Mitgliedern haben')} MFA eingerichtet.`,
  compliancePhishingResistant: (withPasskey, members) =>
    `${numbers.format(withPasskey)} von ${count(members, 'Mitglied hat', 'Mitgliedern haben')} einen Passkey oder Sicherheitsschlüssel.`,
  ssoCaution: (provider) =>
    `Wer sich über ${provider} anmeldet, folgt dessen Anmelderegeln; diese Einstellungen gelten für andere Anmeldungen, es sei denn, Sie verlangen unten MFA auch nach Single Sign-On.`,
  ssoSummary: (provider, alsoAfterSso) =>
    `Wer sich über ${provider} anmeldet, ${alsoAfterSso ? 'muss hier zusätzlich MFA verwenden.' : 'folgt dessen Anmelderegeln; diese Einstellungen gelten für andere Anmeldungen.'}`,
  graceSummary: (days) =>
    `Mitglieder, die MFA einrichten müssen, haben dafür ${count(days, 'Tag', 'Tage')} Zeit (Übergangsfrist).`,
  daysInvalid: (max) => `Geben Sie 0 bis ${numbers.format(max)} Tage ein`,
  adminNeedsMfa:
    'Nur Administratoren, die MFA verwenden, können diese Richtlinie ändern. Richten Sie zuerst MFA in Ihrem Profil ein.',
  adminNeedsMfaLink: 'MFA in Ihrem Profil einrichten',
  managerTitle: 'Richtlinie für die Multi-Faktor-Authentifizierung',
  policyLegend: 'Richtlinie',
  gracePeriod: 'Übergangsfrist (Tage)',
  gracePeriodHint:
    'Mitglieder ohne MFA behalten so viele Tage lang Zugriff, nachdem die Richtlinie zum ersten Mal für sie gilt.',
  enforceAfterSso: 'MFA auch nach Single Sign-On verlangen',
  enforceAfterSsoHint:
    'Aus: Der Identitätsanbieter entscheidet. Ein: Mitglieder werden auch hier nach dem zweiten Faktor gefragt.',
  impact: (members, days) =>
    `${count(members, 'Mitglied hat', 'Mitglieder haben')} MFA noch nicht eingerichtet; ${
      plurals.select(members) === 'one' ? 'ihm' : 'ihnen'
    } ${plurals.select(days) === 'one' ? 'bleibt' : 'bleiben'} ${count(days, 'Tag', 'Tage')}.`,
  impactNone: 'Alle, für die diese Richtlinie gilt, haben MFA eingerichtet.',
  impactPhishingResistant: (members, days) =>
    `${count(members, 'Mitglied hat', 'Mitglieder haben')} keinen Passkey und keinen Sicherheitsschlüssel; ${
      plurals.select(members) === 'one' ? 'ihm' : 'ihnen'
    } ${plurals.select(days) === 'one' ? 'bleibt' : 'bleiben'} ${count(days, 'Tag', 'Tage')}.`,
  allowedFactorsLegend: 'Zugelassene Methoden',
  impactDeadline: (name, deadline, days) =>
    deadline
      ? `${name}: bis ${deadline}`
      : `${name}: ${count(days, 'Tag', 'Tage')} ab der nächsten Anmeldung`,
  impactReset: (name) => `${name}: muss MFA bei der nächsten Anmeldung einrichten`,
  save: 'Speichern',
  saving: 'Wird gespeichert …',
  cancel: 'Abbrechen',
  saved: 'Richtlinie gespeichert.',
  conflict:
    'Jemand anderes hat diese Richtlinie inzwischen geändert. Die aktuellen Einstellungen werden angezeigt; prüfen Sie sie und speichern Sie erneut.',
  stepUp: 'Bestätigen Sie diese Änderung erneut: mit einem Passkey oder Ihrer Authenticator-App.',
  verifyHere: 'Bestätigen Sie, dass Sie es sind',
  setUpMfaFirst: 'Richten Sie MFA in Ihrem Profil ein, bevor Sie die Richtlinie des Kontos ändern.',
  rememberDevice: 'Mitglieder dürfen den zweiten Schritt auf einem Gerät so viele Tage überspringen',
  rememberDeviceSummary: (days) =>
    `Mitglieder dürfen den zweiten Schritt auf einem gemerkten Gerät ${count(days, 'Tag', 'Tage')} lang überspringen.`,
  rememberDeviceHint: '0 bis 30; 0: nie. Mitglieder wählen „Dieses Gerät merken“, wenn sie sich bestätigen.',
  enrollTitle: 'Multi-Faktor-Authentifizierung',
  statusOn: (since) => `Authenticator-App: aktiv seit ${since}.`,
  statusOff: 'Authenticator-App: nicht eingerichtet.',
  recoveryCodesLeft: (n) => `${count(n, 'Wiederherstellungscode', 'Wiederherstellungscodes')} übrig.`,
  recoveryCodesOutdated:
    'Ihre Wiederherstellungscodes wurden mit einem Sicherheitsschlüssel erstellt, der ausgemustert wird. Erzeugen Sie neue, damit sie gültig bleiben.',
  setUp: 'Einrichten',
  replace: 'Authenticator-App ersetzen',
  scanQr:
    'Scannen Sie diesen QR-Code mit Google Authenticator, Microsoft Authenticator oder einer anderen Authenticator-App, oder geben Sie den Schlüssel ein.',
  qrAlt: 'QR-Code',
  manualKey: 'Einrichtungsschlüssel',
  openInApp: 'In der Authenticator-App öffnen',
  copyKey: 'Schlüssel kopieren',
  copyCodes: 'Wiederherstellungscodes kopieren',
  print: 'Drucken',
  recoveryCodesFor: (site, user, date) =>
    `Wiederherstellungscodes für ${site}\n${user ? `${user}\n` : ''}Erstellt am ${date}`,
  copied: 'Kopiert.',
  confirm: 'Bestätigen',
  recoveryCodesTitle: 'Wiederherstellungscodes',
  recoveryCodesHint:
    'Mit jedem Code können Sie sich einmal anmelden, falls Sie Ihr Telefon verlieren. Sie werden nur jetzt angezeigt: Kopieren Sie sie oder laden Sie sie herunter und bewahren Sie sie sicher auf.',
  download: 'Herunterladen',
  savedCodes: 'Ich habe diese Wiederherstellungscodes gespeichert',
  done: 'Fertig',
  regenerate: 'Neue Wiederherstellungscodes erzeugen',
  remove: 'Authenticator-App entfernen',
  removeConfirm: 'Ja, App entfernen',
  removed: 'Authenticator-App entfernt.',
  removeAppKeeps: (n) =>
    `Sie melden sich dann mit ${n === 1 ? 'Ihrem Passkey' : `Ihren ${numbers.format(n)} Passkeys`} an.`,
  removeAppLeavesNone:
    'Sie haben dann keinen zweiten Faktor mehr; Konten, die MFA verlangen, fordern Sie auf, einen einzurichten.',
  removeAppRefused: (accounts) =>
    `${accounts} verlangt MFA: Fügen Sie einen Passkey hinzu, bevor Sie die App entfernen.`,
  mfaOn: 'Die Zwei-Faktor-Authentifizierung ist aktiviert.',
  stepUpFor: {
    setup: 'Bestätigen Sie, dass Sie es sind, um eine neue Authenticator-App einzurichten.',
    regenerate: 'Bestätigen Sie, dass Sie es sind, um neue Wiederherstellungscodes zu erzeugen.',
    remove: 'Bestätigen Sie, dass Sie es sind, um die Authenticator-App zu entfernen.',
    'add-passkey': 'Bestätigen Sie, dass Sie es sind, um einen Passkey hinzuzufügen.',
    'remove-passkey': 'Bestätigen Sie, dass Sie es sind, um diesen Passkey zu entfernen.',
  },
  recommendPasskey:
    'Wir empfehlen einen Passkey: Sie bestätigen mit Fingerabdruck, Gesicht oder Bildschirmsperre.',
  recommendApp: 'Wir empfehlen eine Authenticator-App auf Ihrem Telefon.',
  appAdded:
    'Authenticator-App hinzugefügt. Ihre Wiederherstellungscodes bleiben die, die Sie gespeichert haben.',
  requiredByTitle: 'Verlangt von',
  requiredByNone: 'Kein Konto verlangt MFA von Ihnen.',
  requiredByEntry: (account, deadline) => (deadline ? `${account}: einrichten bis ${deadline}` : account),
  requiredByOverdue: (account, deadline) =>
    `${account}: jetzt erforderlich (die Übergangsfrist endete am ${deadline})`,
  requiredByReset: (account, date) =>
    `${account}: Ihre MFA wurde am ${date} zurückgesetzt – richten Sie sie jetzt ein`,
  requiredByPolicy: (accounts) =>
    `Sie können MFA nicht entfernen, solange diese Konten sie verlangen: ${accounts}.`,
  passkeysTitle: 'Passkeys und Sicherheitsschlüssel',
  passkeysHint:
    'Bestätigen Sie mit Fingerabdruck, Gesicht, Bildschirmsperre oder einem Sicherheitsschlüssel. Passkeys lassen sich nicht abfischen.',
  passkeysNone: 'Noch keine Passkeys oder Sicherheitsschlüssel.',
  passkeysUnsupported:
    'Dieser Browser kann keine Passkeys oder Sicherheitsschlüssel verwenden. Öffnen Sie diese Seite in einem aktuellen Chrome, Edge, Firefox oder Safari, um einen hinzuzufügen.',
  addPasskey: 'Passkey hinzufügen',
  passkeyName: 'Name des Passkeys',
  passkeyNameHint: 'Damit Sie Ihre Passkeys unterscheiden können, etwa „Arbeitslaptop“ oder „YubiKey“.',
  passkeyDefaultName: 'Mein Passkey',
  continue: 'Weiter',
  passkeyDates: (created, lastUsed) =>
    `Hinzugefügt am ${created} · ${lastUsed ? `zuletzt verwendet am ${lastUsed}` : 'noch nie verwendet'}`,
  passkeySynced: 'Synchronisiert',
  rename: 'Umbenennen',
  removeOne: 'Entfernen',
  renamePasskey: (name) => `${name} umbenennen`,
  removePasskey: (name) => `${name} entfernen`,
  removePasskeyConfirm: (name) => `${name} entfernen? Sie können sich dann nicht mehr damit bestätigen.`,
  removePasskeyYes: 'Ja, entfernen',
  passkeyAdded: 'Passkey hinzugefügt.',
  passkeyRenamed: 'Passkey umbenannt.',
  passkeyRemoved: 'Passkey entfernt.',
  passkeyCancelled:
    'Der Passkey-Dialog wurde geschlossen, bevor er fertig war. Versuchen Sie es erneut, sobald Sie bereit sind.',
  passkeyExists: 'Dieses Gerät oder dieser Sicherheitsschlüssel hat bereits einen Passkey für Ihr Konto.',
  requiredByPasskey: (account) => `${account} lässt nur Passkeys und Sicherheitsschlüssel zu.`,
  devicesTitle: 'Gemerkte Geräte',
  devicesNone:
    'Keine gemerkten Geräte. Wählen Sie „Dieses Gerät merken“, wenn Sie sich bestätigen, um den zweiten Schritt in diesem Browser zu überspringen.',
  thisDevice: 'Dieses Gerät',
  deviceDates: (since, lastUsed) =>
    `Gemerkt seit ${since} · ${lastUsed ? `zuletzt verwendet am ${lastUsed}` : 'noch nicht verwendet'}`,
  forget: 'Vergessen',
  forgetAll: 'Alle Geräte vergessen',
  deviceForgotten: 'Gerät vergessen: Dort wird wieder nach dem zweiten Schritt gefragt.',
  devicesForgotten: 'Alle Geräte vergessen: Auf jedem wird wieder nach dem zweiten Schritt gefragt.',
  challengeTitle: 'Bestätigen Sie, dass Sie es sind',
  usePasskey: 'Passkey verwenden',
  passkeyHint:
    'Verwenden Sie einen Passkey oder Sicherheitsschlüssel, den Sie Ihrem Konto hinzugefügt haben.',
  passkeyOnly:
    'Dieses Konto lässt nur Passkeys und Sicherheitsschlüssel zu, oder einen Wiederherstellungscode.',
  useCode: 'Stattdessen einen Authentifizierungscode verwenden',
  codeLabel: 'Authentifizierungscode',
  challengeHint:
    'Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein (etwa Google Authenticator oder Microsoft Authenticator).',
  recoveryCodeLabel: 'Wiederherstellungscode',
  recoveryCodeHint:
    'Geben Sie einen der Wiederherstellungscodes ein, die Sie beim Einrichten der MFA gespeichert haben.',
  verify: 'Überprüfen',
  verified: 'Bestätigt.',
  useRecoveryCode: 'Stattdessen einen Wiederherstellungscode verwenden',
  useApp: 'Stattdessen die Authenticator-App verwenden',
  attemptsLeft: (n) =>
    `Dieser Code ist ungültig. Noch ${count(n, 'Versuch', 'Versuche')}, dann müssen Sie warten.`,
  waitSeconds: (seconds) =>
    `Zu viele Versuche. Versuchen Sie es in ${count(seconds, 'Sekunde', 'Sekunden')} erneut.`,
  waitMinutes: (minutes) =>
    `Zu viele Versuche. Versuchen Sie es in ${count(minutes, 'Minute', 'Minuten')} erneut.`,
  waitOver: 'Sie können es jetzt erneut versuchen.',
  lockedHelp:
    'Authenticator-App verloren? Verwenden Sie nach der Wartezeit einen Wiederherstellungscode, oder bitten Sie einen Administrator Ihres Kontos, Ihre MFA zurückzusetzen.',
  recoveryCodeRequired: 'Zu viele Fehlversuche: Bestätigen Sie mit einem Wiederherstellungscode.',
  rememberThisDevice: (days) => `Dieses Gerät ${count(days, 'Tag', 'Tage')} lang merken`,
  confirmTitle: (reason) => `Bestätigen Sie, dass Sie es sind${reason ? `, um ${reason}` : ''}`,
  errors,
  membersTitle: 'Mitglieder',
  membersFilter: 'Anzeigen',
  memberFilters: { all: 'Alle', without_mfa: 'Ohne MFA', overdue: 'Überfällig' },
  memberFilterWithoutPasskey: 'Ohne Passkey',
  memberAppOnly: 'Nur App – braucht einen Passkey',
  membersSearch: 'Mitglieder suchen',
  membersSearchHint: 'Nach Name oder E-Mail',
  memberColumns: {
    name: 'Name',
    email: 'E-Mail',
    role: 'Rolle',
    methods: 'Methoden',
    status: 'Status',
    actions: 'Aktionen',
  },
  memberRoles: { admin: 'Administrator', member: 'Mitglied' },
  memberMethods: { totp: 'Authenticator-App', webauthn: 'Passkey' },
  memberNone: 'Nicht eingerichtet',
  memberSince: (date) => `Eingerichtet seit ${date}`,
  memberDue: (date) => `Fällig bis ${date}`,
  memberOverdue: (date) => `Überfällig seit ${date}`,
  memberReset: (date) => `Zurückgesetzt am ${date} – muss MFA bei der nächsten Anmeldung einrichten`,
  membersShown: (shown, total) => `${numbers.format(shown)} von ${numbers.format(total)} angezeigt`,
  membersEmpty: 'Keine passenden Mitglieder.',
  loadMore: 'Mehr laden',
  copyEmails: 'E-Mails kopieren',
  exportCsv: 'CSV exportieren',
  emailsCopied: (n) => `${count(n, 'E-Mail-Adresse', 'E-Mail-Adressen')} von Mitgliedern ohne MFA kopiert.`,
  emailsToCopy: 'E-Mail-Adressen der Mitglieder ohne MFA',
  resetMfa: 'MFA zurücksetzen',
  resetTitle: (name) => `MFA für ${name} zurücksetzen?`,
  resetExplain: (name) =>
    `Authenticator-App, Passkeys und Wiederherstellungscodes von ${name} werden entfernt, andere Sitzungen verlieren ihre MFA-Bestätigung. Wo MFA verlangt wird, muss ${name} sie erneut einrichten, bevor es weitergeht.`,
  resetDone: (name) => `Die MFA von ${name} wurde zurückgesetzt.`,
  resetShared: (name) =>
    `${name} gehört auch anderen Konten an; ein Zurücksetzen hier würde die MFA auch dort ändern. Das kann nur der Support des Portals.`,
  close: 'Schließen',
  auditTitle: 'Aktivität',
  auditFilter: 'Anzeigen',
  auditKinds: {
    all: 'Alle',
    policy: 'Richtlinie',
    enrollment: 'Einrichtung',
    failures: 'Fehlgeschlagene Anmeldungen',
  },
  auditEmpty: 'Noch keine Aktivität.',
  auditLoaded: (n) => `${count(n, 'älteres Ereignis', 'ältere Ereignisse')} geladen.`,
  auditSomeone: 'Ein ehemaliges Mitglied',
  auditSupport: 'Der Support des Portals',
  auditSentences: {
    policyMode: (actor, from, to, start) =>
      `${actor} hat die Richtlinie von „${from}“ auf „${to}“${start ? ` ab ${start}` : ''} geändert`,
    policySettings: (actor) => `${actor} hat die Einstellungen der Richtlinie geändert`,
    policyChanged: (actor, changes) => `${actor} hat die Richtlinie geändert: ${changes.join('; ')}`,
    enrolled: (user) => `${user} hat eine Authenticator-App eingerichtet`,
    removed: (user) => `${user} hat die Authenticator-App entfernt`,
    reset: (actor, user) => `${actor} hat die MFA von ${user} zurückgesetzt`,
    regenerated: (user) => `${user} hat neue Wiederherstellungscodes erstellt`,
    recoveryUsed: (user, left) =>
      `${user} hat einen Wiederherstellungscode verwendet; ${numbers.format(left)} übrig`,
    failed: (user, n) =>
      n === 1
        ? `${user} hat einen falschen Code eingegeben`
        : `${user} hat ${count(n, 'falschen Code', 'falsche Codes')} eingegeben`,
    replayed: (user) => `Ein Code von ${user} wurde ein zweites Mal verwendet und abgelehnt`,
    locked: (user, failures, seconds) =>
      `${count(failures, 'falscher Code', 'falsche Codes')} für ${user}; gesperrt für ${count(seconds, 'Sekunde', 'Sekunden')}`,
    passkeyAdded: (user, name) => `${user} hat den Passkey „${name}“ hinzugefügt`,
    passkeyRenamed: (user, from, to) => `${user} hat den Passkey „${from}“ in „${to}“ umbenannt`,
    passkeyRemoved: (user) => `${user} hat einen Passkey entfernt`,
    policyRemember: (actor, days) =>
      days
        ? `${actor} hat erlaubt, den zweiten Schritt auf einem Gerät ${count(days, 'Tag', 'Tage')} lang zu überspringen`
        : `${actor} hat das Merken von Geräten abgeschaltet`,
    deviceRemembered: (user, label) => `${user} hat das Gerät „${label}“ merken lassen`,
    deviceForgotten: (user, label) =>
      label ? `${user} hat das Gerät „${label}“ vergessen` : `${user} hat alle gemerkten Geräte vergessen`,
    reminded: (actor, user) => `${actor} hat ${user} erinnert, MFA einzurichten`,
    remindedAuto: (user) => `${user} wurde erinnert, MFA einzurichten`,
  },
  auditChanges: {
    mode: (from, to) => `Richtlinie von „${from}“ auf „${to}“`,
    gracePeriod: (from, to) => `Übergangsfrist von ${numbers.format(from)} auf ${count(to, 'Tag', 'Tage')}`,
    allowedFactors: (from, to) => `zugelassene Methoden von „${from}“ auf „${to}“`,
    enforceAfterSso: (on) =>
      on ? 'MFA jetzt auch nach Single Sign-On verlangt' : 'MFA nach Single Sign-On nicht mehr verlangt',
    rememberDevice: (from, to) =>
      `gemerkte Geräte von ${numbers.format(from)} auf ${count(to, 'Tag', 'Tage')}`,
    enforceFrom: (date) => (date ? `durchgesetzt ab ${date}` : 'sofort durchgesetzt, ohne Startdatum'),
  },
};
