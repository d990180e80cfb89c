/**
 * The demo host's own words, in English and German: the portal around the mfakit
 * elements (its navigation, banners, headings and payout form) speaks the language
 * chosen in the top bar, as the elements do. A real portal has its own translations;
 * these show where mfakit's answers (deadlines, accepted methods) fit into them.
 */
export type Lang = 'en' | 'de';

/** The cookie that carries the language chosen in the top bar to the server's pages. */
export const LANG_COOKIE = 'demo_lang';

export const langOf = (value: string | undefined): Lang => (value === 'de' ? 'de' : 'en');

export interface HostStrings {
  portal: string;
  home: string;
  profile: string;
  mainNav: string;
  language: string;
  signedInAs: string;
  user: string;
  nobody: string;
  via: string;
  signInMethod: string;
  password: string;
  ssoOption: (account: string, provider: string) => string;
  signIn: string;
  signOut: string;
  accounts: string;
  accountSettings: (account: string) => string;
  you: string;
  profileAndSecurity: string;
  yourSsoAccounts: string;
  chooseUser: string;
  welcomeTitle: string;
  welcomeHeading: string;
  welcomeIntro: string;
  seeded: { name: string; what: string }[];
  yourAccounts: string;
  yourRole: (admin: boolean) => string;
  open: (account: string) => string;
  settings: string;
  notFound: string;
  notMember: string;
  unavailableTitle: string;
  unavailableHeading: string;
  unavailableText: string;
  verifyTitle: (account: string) => string;
  setUpTitle: (account: string) => string;
  enrollmentRequired: (account: string, passkeysOnly: boolean) => string;
  continueTo: (account: string) => string;
  grace: (account: string, passkeysOnly: boolean) => string;
  graceKeep: string;
  /** Before a requiring policy's start date: "<account> will require … from" (the date follows, then `pendingSetUp`). */
  pending: (account: string, passkeysOnly: boolean) => string;
  pendingSetUp: string;
  setUpNow: string;
  ssoDelegated: (provider: string) => string;
  settingsHeading: (account: string) => string;
  purchaseOrders: string;
  orderColumns: [string, string, string, string];
  payoutTitle: string;
  payoutIntro: (account: string) => string;
  holder: string;
  iban: string;
  savePayout: string;
  holderInvalid: string;
  ibanInvalid: string;
  payoutInvalid: string;
  dateLocale: string;
  mail: string;
  mailHeading: string;
  mailIntro: string;
  mailEmpty: string;
  mailNewest: (shown: number) => string;
  mailList: string;
  mailTo: string;
  mailSent: string;
  mailKind: string;
  mailFrame: (subject: string) => string;
  mailText: string;
}

const en: HostStrings = {
  portal: 'Partner Portal',
  home: 'Home',
  profile: 'Profile',
  mainNav: 'Main',
  language: 'Language',
  signedInAs: 'Signed in as',
  user: 'User',
  nobody: 'Nobody',
  via: 'via',
  signInMethod: 'Sign-in method',
  password: 'Password',
  ssoOption: (account, provider) => `${account} SSO (${provider})`,
  signIn: 'Sign in',
  signOut: 'Sign out',
  accounts: 'Accounts',
  accountSettings: (account) => `${account} settings`,
  you: 'You',
  profileAndSecurity: 'Profile & security',
  yourSsoAccounts: 'Your accounts with SSO: ',
  chooseUser: 'Choose a user above to sign in.',
  welcomeTitle: 'Welcome',
  welcomeHeading: 'Welcome to the Partner Portal',
  welcomeIntro: 'This portal shows mfakit in a host application. Choose a user in the top bar to sign in:',
  seeded: [
    { name: 'Ada Lovelace', what: 'administrator of Acme' },
    { name: 'Max Mustermann', what: 'member of Acme' },
    { name: 'Sam Shared', what: 'member of Acme and Contoso' },
    { name: 'Cleo Contoso', what: 'administrator of Contoso, which signs in through Active Directory' },
    { name: 'Grace Hopper', what: 'administrator of Globex, which requires MFA of its 222 members' },
    {
      name: 'Katherine Johnson',
      what: 'administrator of Globex Distribution, which is rolling MFA out: required of all users from a start date',
    },
    {
      name: 'Emmy Noether',
      what: 'member of Globex Distribution, without MFA yet: reminded by mail (see Mail)',
    },
  ],
  yourAccounts: 'Your accounts',
  yourRole: (admin) => `You are ${admin ? 'an administrator' : 'a member'} of this account.`,
  open: (account) => `Open ${account}`,
  settings: 'Settings',
  notFound: 'Not found',
  notMember: 'You are not a member of this account.',
  unavailableTitle: 'Unavailable',
  unavailableHeading: 'Try again shortly',
  unavailableText: 'Sign-in checks are unavailable.',
  verifyTitle: (account) => `Verify · ${account}`,
  setUpTitle: (account) => `Set up MFA · ${account}`,
  enrollmentRequired: (account, passkeysOnly) =>
    `${account} requires multi-factor authentication. ${
      passkeysOnly
        ? 'It accepts only passkeys and security keys: add a passkey to continue.'
        : 'Set up an authenticator app or add a passkey to continue.'
    }`,
  continueTo: (account) => `Continue to ${account}`,
  grace: (account, passkeysOnly) =>
    `${account} requires multi-factor authentication${passkeysOnly ? ', with a passkey or security key' : ''}. Set it up by`,
  graceKeep: 'to keep access.',
  pending: (account, passkeysOnly) =>
    `${account} will require multi-factor authentication${passkeysOnly ? ', with a passkey or security key' : ''} from`,
  pendingSetUp: 'Set it up before then to keep access without interruption.',
  setUpNow: 'Set up now',
  ssoDelegated: (provider) => `Signed in through ${provider}: your identity provider's sign-in rules apply.`,
  settingsHeading: (account) => `${account} settings`,
  purchaseOrders: 'Purchase orders',
  orderColumns: ['Order', 'Item', 'Status', 'Total'],
  payoutTitle: 'Payout details',
  payoutIntro: (account) =>
    `Where ${account}'s earnings are paid. Changing them asks you to confirm it's you.`,
  holder: 'Account holder',
  iban: 'IBAN',
  savePayout: 'Save payout details',
  holderInvalid: 'Enter the account holder (at most 70 characters).',
  ibanInvalid: 'Enter a whole IBAN, such as DE89 3704 0044 0532 0130 00.',
  payoutInvalid: 'Check the payout details: the marked fields are not complete.',
  dateLocale: 'en',
  mail: 'Mail',
  mailHeading: 'Security notifications sent',
  mailIntro:
    "The messages mfakit wrote when a user's sign-in security changed, as this portal would hand them to its mailer; the demo sends no mail and keeps them here. An evaluation tool: every signed-in user sees every message, where a real portal mails each one to its recipient only.",
  mailEmpty:
    'No mail has been sent yet. Add a passkey or regenerate your recovery codes in Profile & security, and the notification appears here.',
  mailNewest: (shown) => `The newest ${shown} messages are shown.`,
  mailList: 'Messages, newest first',
  mailTo: 'To',
  mailSent: 'Sent',
  mailKind: 'Kind',
  mailFrame: (subject) => `Message: ${subject}`,
  mailText: 'Plain text',
};

const de: HostStrings = {
  portal: 'Partnerportal',
  home: 'Start',
  profile: 'Profil',
  mainNav: 'Hauptnavigation',
  language: 'Sprache',
  signedInAs: 'Angemeldet als',
  user: 'Benutzer',
  nobody: 'Niemand',
  via: 'über',
  signInMethod: 'Anmeldeverfahren',
  password: 'Passwort',
  ssoOption: (account, provider) => `${account}-SSO (${provider})`,
  signIn: 'Anmelden',
  signOut: 'Abmelden',
  accounts: 'Konten',
  accountSettings: (account) => `Einstellungen von ${account}`,
  you: 'Sie',
  profileAndSecurity: 'Profil & Sicherheit',
  yourSsoAccounts: 'Ihre Konten mit SSO: ',
  chooseUser: 'Wählen Sie oben einen Benutzer, um sich anzumelden.',
  welcomeTitle: 'Willkommen',
  welcomeHeading: 'Willkommen im Partnerportal',
  welcomeIntro:
    'Dieses Portal zeigt mfakit in einer Host-Anwendung. Wählen Sie oben einen Benutzer, um sich anzumelden:',
  seeded: [
    { name: 'Ada Lovelace', what: 'Administratorin von Acme' },
    { name: 'Max Mustermann', what: 'Mitglied von Acme' },
    { name: 'Sam Shared', what: 'Mitglied von Acme und Contoso' },
    { name: 'Cleo Contoso', what: 'Administratorin von Contoso, das sich über Active Directory anmeldet' },
    { name: 'Grace Hopper', what: 'Administratorin von Globex, das von seinen 222 Mitgliedern MFA verlangt' },
    {
      name: 'Katherine Johnson',
      what: 'Administratorin von Globex Distribution, das MFA einführt: ab einem Stichtag für alle Benutzer verlangt',
    },
    {
      name: 'Emmy Noether',
      what: 'Mitglied von Globex Distribution, noch ohne MFA: wird per E-Mail erinnert (siehe E-Mails)',
    },
  ],
  yourAccounts: 'Ihre Konten',
  yourRole: (admin) => `Sie sind ${admin ? 'Administrator' : 'Mitglied'} dieses Kontos.`,
  open: (account) => `${account} öffnen`,
  settings: 'Einstellungen',
  notFound: 'Nicht gefunden',
  notMember: 'Sie sind kein Mitglied dieses Kontos.',
  unavailableTitle: 'Nicht verfügbar',
  unavailableHeading: 'Versuchen Sie es gleich noch einmal',
  unavailableText: 'Die Anmeldeprüfung ist nicht verfügbar.',
  verifyTitle: (account) => `Bestätigen · ${account}`,
  setUpTitle: (account) => `MFA einrichten · ${account}`,
  enrollmentRequired: (account, passkeysOnly) =>
    `${account} verlangt Multi-Faktor-Authentifizierung. ${
      passkeysOnly
        ? 'Es akzeptiert nur Passkeys und Sicherheitsschlüssel: Fügen Sie einen Passkey hinzu, um fortzufahren.'
        : 'Richten Sie eine Authenticator-App ein oder fügen Sie einen Passkey hinzu, um fortzufahren.'
    }`,
  continueTo: (account) => `Weiter zu ${account}`,
  grace: (account, passkeysOnly) =>
    `${account} verlangt Multi-Faktor-Authentifizierung${passkeysOnly ? ' mit einem Passkey oder Sicherheitsschlüssel' : ''}. Richten Sie sie bis`,
  graceKeep: 'ein, um den Zugang zu behalten.',
  pending: (account, passkeysOnly) =>
    `${account} verlangt Multi-Faktor-Authentifizierung${passkeysOnly ? ' mit einem Passkey oder Sicherheitsschlüssel' : ''} ab dem`,
  pendingSetUp: 'Richten Sie sie vorher ein, damit Ihr Zugang nicht unterbrochen wird.',
  setUpNow: 'Jetzt einrichten',
  ssoDelegated: (provider) =>
    `Über ${provider} angemeldet: Es gelten die Anmelderegeln Ihres Identitätsanbieters.`,
  settingsHeading: (account) => `Einstellungen von ${account}`,
  purchaseOrders: 'Bestellungen',
  orderColumns: ['Bestellung', 'Artikel', 'Status', 'Summe'],
  payoutTitle: 'Auszahlungsdaten',
  payoutIntro: (account) =>
    `Wohin die Einnahmen von ${account} gezahlt werden. Wer sie ändert, bestätigt zuvor, dass er es ist.`,
  holder: 'Kontoinhaber',
  iban: 'IBAN',
  savePayout: 'Auszahlungsdaten speichern',
  holderInvalid: 'Geben Sie den Kontoinhaber ein (höchstens 70 Zeichen).',
  ibanInvalid: 'Geben Sie eine vollständige IBAN ein, etwa DE89 3704 0044 0532 0130 00.',
  payoutInvalid: 'Prüfen Sie die Auszahlungsdaten: Die markierten Felder sind nicht vollständig.',
  dateLocale: 'de',
  mail: 'E-Mails',
  // A soft hyphen: the long word breaks on a phone instead of widening the page.
  mailHeading: 'Gesendete Sicherheits\u00ADbenachrichtigungen',
  mailIntro:
    'Die Nachrichten, die mfakit schrieb, als sich die Anmeldesicherheit von jemandem änderte, so wie dieses Portal sie seinem Mailserver übergäbe; die Demo verschickt keine E-Mails und bewahrt sie hier auf. Ein Werkzeug zum Ausprobieren: Jeder angemeldete Benutzer sieht alle Nachrichten, während ein echtes Portal jede nur an ihren Empfänger schickt.',
  mailEmpty:
    'Noch wurde keine E-Mail gesendet. Fügen Sie unter Profil & Sicherheit einen Passkey hinzu oder erzeugen Sie neue Wiederherstellungscodes, und die Benachrichtigung erscheint hier.',
  mailNewest: (shown) => `Die neuesten ${shown} Nachrichten werden angezeigt.`,
  mailList: 'Nachrichten, neueste zuerst',
  mailTo: 'An',
  mailSent: 'Gesendet',
  mailKind: 'Art',
  mailFrame: (subject) => `Nachricht: ${subject}`,
  mailText: 'Nur-Text',
};

export const hostStrings: Record<Lang, HostStrings> = { en, de };
