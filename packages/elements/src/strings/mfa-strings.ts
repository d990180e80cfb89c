import type { AllowedFactors, FactorMethod, PolicyMode, Role } from '@mfakit/server-sdk/model';
import type { ClientErrorCode } from '../client.ts';

/**
 * Every user-visible string of the elements. Pass a partial object as an
 * element's `strings` property to localise or reword; functions receive the
 * values to place and format them (with `Intl`, in the element's `lang`).
 */
export interface MfaStrings {
  modeLabels: Record<PolicyMode, string>;
  modeDescriptions: Record<PolicyMode, string>;
  /** The accepted methods, as the policy manager's radios name them. */
  allowedFactorsLabels: Record<AllowedFactors, string>;
  allowedFactorsDescriptions: Record<AllowedFactors, string>;
  loading: string;
  retry: string;
  settingsTitle: string;
  currentPolicy: string;
  manage: string;
  changedBy: (name: string, date: string) => string;
  neverChanged: string;
  compliance: (enrolled: number, members: number) => string;
  /** The compliance line of an account that accepts only passkeys and security keys. */
  compliancePhishingResistant: (withPasskey: number, members: number) => string;
  /** The policy manager's SSO caution, above "Also require MFA after Single Sign-On". */
  ssoCaution: (provider: string) => string;
  /** The settings' SSO line: whom the policy applies to, with the switch on (`alsoAfterSso`) or off. */
  ssoSummary: (provider: string, alsoAfterSso: boolean) => string;
  /** The settings' line on the grace period of a requiring policy (0: at the next sign-in). */
  graceSummary: (days: number) => string;
  /**
   * The settings' line on a requiring policy's start date: `pending` before it ("Required for all
   * users from Dec 11, 2026."; `policy` is the policy's label), else since when it is enforced.
   */
  enforceFromSummary: (policy: string, date: string, pending: boolean) => string;
  /** The settings' line to a member without MFA whom a pending policy will require it of: from when, and by when. */
  enforceFromYou: (date: string, deadline: string) => string;
  /** The policy manager's date field: when a requiring policy starts to be enforced (optional). */
  enforceFrom: string;
  enforceFromHint: string;
  /** Under the date field holding a day before tomorrow or after `last` (a year ahead). */
  enforceFromInvalid: (last: string) => string;
  /** Under a days field holding something other than a whole number from 0 to `max`. */
  daysInvalid: (max: number) => string;
  /** Instead of the policy form, to an administrator who has no MFA: changing the policy needs it. */
  adminNeedsMfa: string;
  /** The link to the profile (`profile-url`) where the administrator sets up MFA. */
  adminNeedsMfaLink: string;
  managerTitle: string;
  policyLegend: string;
  gracePeriod: string;
  gracePeriodHint: string;
  enforceAfterSso: string;
  enforceAfterSsoHint: string;
  impact: (count: number, days: number) => string;
  impactNone: string;
  /** The preview of a policy with a start date: who will have to set up MFA, from when (`from`) and by when. */
  impactFrom: (count: number, from: string, deadline: string) => string;
  /** The same under "Phishing-resistant only": who will need a passkey or security key. */
  impactFromPhishingResistant: (count: number, from: string, deadline: string) => string;
  /** The preview under "Phishing-resistant only": members who must still add a passkey or security key. */
  impactPhishingResistant: (count: number, days: number) => string;
  allowedFactorsLegend: string;
  impactDeadline: (name: string, deadline: string | null, days: number) => string;
  /** A member whose MFA an administrator reset: their grace period is over. */
  impactReset: (name: string) => string;
  save: string;
  saving: string;
  cancel: string;
  saved: string;
  conflict: string;
  stepUp: string;
  /** The button that opens the challenge where an account first wants the session verified. */
  verifyHere: string;
  setUpMfaFirst: string;
  /** The policy manager's number field: days a remembered device skips the challenge. */
  rememberDevice: string;
  rememberDeviceHint: string;
  /** The settings' line when members may skip the second step on a remembered device (days > 0). */
  rememberDeviceSummary: (days: number) => string;
  enrollTitle: string;
  statusOn: (since: string) => string;
  statusOff: string;
  recoveryCodesLeft: (count: number) => string;
  recoveryCodesOutdated: string;
  setUp: string;
  replace: string;
  scanQr: string;
  qrAlt: string;
  manualKey: string;
  /** The button that opens the authenticator app on the device showing the page (a phone cannot scan itself). */
  openInApp: string;
  /** The button that copies the setup key. */
  copyKey: string;
  /** The button that copies the recovery codes. */
  copyCodes: string;
  print: string;
  /** The first lines of the downloaded and printed recovery codes (`user` may be empty, `date` is YYYY-MM-DD). */
  recoveryCodesFor: (site: string, user: string, date: string) => string;
  copied: string;
  confirm: string;
  recoveryCodesTitle: string;
  recoveryCodesHint: string;
  download: string;
  savedCodes: string;
  done: string;
  regenerate: string;
  remove: string;
  removeConfirm: string;
  removed: string;
  /** Before removing the app: what the user will sign in with (their passkeys). */
  removeAppKeeps: (passkeys: number) => string;
  /** Before removing the app: nothing remains. */
  removeAppLeavesNone: string;
  /** Before removing the app: these accounts require MFA and accept nothing else the user holds. */
  removeAppRefused: (accounts: string) => string;
  /** Said at the top of the card when the first method is set up and its codes are saved. */
  mfaOn: string;
  /** The step-up's words in `<mfa-user-enroll>`, by the action that asked for it. */
  stepUpFor: Record<'setup' | 'regenerate' | 'remove' | 'add-passkey' | 'remove-passkey', string>;
  /**
   * The lead of the profile for an account whose requirement the user does not meet yet; `deadline`
   * null: now; `from`: the day a pending policy starts (null: it applies already).
   */
  requiredLead: (account: string, deadline: string | null, from: string | null) => string;
  /** The same, for an account that accepts only passkeys and security keys. */
  requiredLeadPasskey: (account: string, deadline: string | null, from: string | null) => string;
  /** The method recommended under the lead, where the browser can use passkeys. */
  recommendPasskey: string;
  /** The method recommended under the lead, where it cannot. */
  recommendApp: string;
  /** The app was added beside a passkey: no new recovery codes. */
  appAdded: string;
  requiredByTitle: string;
  requiredByNone: string;
  requiredByEntry: (account: string, deadline: string | null) => string;
  /** The grace period has ended: MFA is needed before the account can be entered again. */
  requiredByOverdue: (account: string, deadline: string) => string;
  /** An administrator reset the user's MFA there: no grace period is left, set up now. */
  requiredByReset: (account: string, date: string) => string;
  requiredByPolicy: (accounts: string) => string;
  /** An account whose policy starts on `from`: by when the user must have set up MFA. */
  requiredByPending: (account: string, from: string, deadline: string) => string;
  passkeysTitle: string;
  passkeysHint: string;
  passkeysNone: string;
  passkeysUnsupported: string;
  addPasskey: string;
  passkeyName: string;
  passkeyNameHint: string;
  /** The name offered for a new passkey. */
  passkeyDefaultName: string;
  /** Starts the browser's passkey dialog once the passkey is named. */
  continue: string;
  passkeyDates: (created: string, lastUsed: string | null) => string;
  passkeySynced: string;
  rename: string;
  /** The accessible name of a passkey's Rename button. */
  renamePasskey: (name: string) => string;
  removeOne: string;
  /** The accessible name of a passkey's Remove button. */
  removePasskey: (name: string) => string;
  removePasskeyConfirm: (name: string) => string;
  removePasskeyYes: string;
  passkeyAdded: string;
  passkeyRenamed: string;
  passkeyRemoved: string;
  /** The browser's dialog was closed, timed out or refused. */
  passkeyCancelled: string;
  /** The authenticator already holds a passkey for this user. */
  passkeyExists: string;
  /** An account that accepts only passkeys and security keys, in the list of accounts requiring MFA. */
  requiredByPasskey: (account: string) => string;
  devicesTitle: string;
  /** No remembered device, in a profile where an account allows remembering: how to remember one. */
  devicesNone: string;
  /** The badge of the browser showing the list. */
  thisDevice: string;
  deviceDates: (since: string, lastUsed: string | null) => string;
  forget: string;
  forgetAll: string;
  deviceForgotten: string;
  devicesForgotten: string;
  challengeTitle: string;
  usePasskey: string;
  passkeyHint: string;
  /** Under the challenge when the account accepts only passkeys and security keys (and recovery codes). */
  passkeyOnly: string;
  useCode: string;
  codeLabel: string;
  /** Under the code label: where the code comes from. */
  challengeHint: string;
  recoveryCodeLabel: string;
  /** Under the recovery code label: which codes these are. */
  recoveryCodeHint: string;
  verify: string;
  verified: string;
  useRecoveryCode: string;
  useApp: string;
  attemptsLeft: (count: number) => string;
  waitSeconds: (seconds: number) => string;
  /** Said once when a wait of a minute or more begins. */
  waitMinutes: (minutes: number) => string;
  /** Said once when the wait ends. */
  waitOver: string;
  /** Under the wait: the way out for a user whose codes keep failing. */
  lockedHelp: string;
  recoveryCodeRequired: string;
  /** The challenge's checkbox, with the largest allowance among the user's accounts. */
  rememberThisDevice: (days: number) => string;
  /** A step-up challenge's heading; `reason` (the host's words for the action, maybe empty) ends it. */
  confirmTitle: (reason: string) => string;
  errors: Partial<Record<ClientErrorCode, string>> & { fallback: string };
  membersTitle: string;
  /** The name of the group of filter buttons. */
  membersFilter: string;
  memberFilters: Record<'all' | 'without_mfa' | 'overdue', string>;
  /**
   * The `without_mfa` filter under "Phishing-resistant only", where an authenticator app does
   * not count: the members without a passkey or security key.
   */
  memberFilterWithoutPasskey: string;
  /** The status of a member with only an authenticator app, under "Phishing-resistant only". */
  memberAppOnly: string;
  membersSearch: string;
  membersSearchHint: string;
  memberColumns: Record<'name' | 'email' | 'role' | 'methods' | 'status' | 'actions', string>;
  memberRoles: Record<Role, string>;
  memberMethods: Record<FactorMethod, string>;
  /** A member without MFA whom nothing requires it of yet. */
  memberNone: string;
  memberSince: (date: string) => string;
  memberDue: (date: string) => string;
  memberOverdue: (date: string) => string;
  /** A member whose MFA an administrator reset on `date` (their grace period forfeited). */
  memberReset: (date: string) => string;
  membersShown: (shown: number, total: number) => string;
  membersEmpty: string;
  loadMore: string;
  copyEmails: string;
  /** The link that downloads what `<mfa-members>` lists (its filter and search), or the whole activity log, as CSV. */
  exportCsv: string;
  emailsCopied: (count: number) => string;
  /** The label of the emails shown for copying by hand when the clipboard refuses. */
  emailsToCopy: string;
  resetMfa: string;
  resetTitle: (name: string) => string;
  resetExplain: (name: string) => string;
  resetDone: (name: string) => string;
  /** The `shared_member` answer, in words. */
  resetShared: (name: string) => string;
  close: string;
  /** The button that reminds, by email, every member whom the policy requires MFA of and who has none. */
  remindMembers: string;
  /** Beside **Remind members without MFA** while the next reminder is not allowed yet (once a day per account). */
  remindNext: (when: string) => string;
  /** Said once the reminders are sent (`count` 0: nobody needed one). */
  reminded: (count: number) => string;
  /** A member's row: when they were last reminded to set up MFA. */
  memberReminded: (date: string) => string;
  auditTitle: string;
  /** The name of the group of kind filters. */
  auditFilter: string;
  auditKinds: Record<'all' | 'policy' | 'enrollment' | 'failures', string>;
  auditEmpty: string;
  /** Said after **Load more**: how many older events were added. */
  auditLoaded: (count: number) => string;
  /** Who did it, when they are no longer a member. */
  auditSomeone: string;
  /** Who did it, when the host's own staff did (`mfa.resetUser`). */
  auditSupport: string;
  /** The events as sentences: the names (and values) are placed by each function. */
  auditSentences: {
    /** `start`: the day the new policy is enforced from, when it has one. */
    policyMode: (actor: string, from: string, to: string, start: string | null) => string;
    policySettings: (actor: string) => string;
    /** The settings that changed, each one of `auditChanges`' phrases, in one sentence. */
    policyChanged: (actor: string, changes: string[]) => string;
    enrolled: (user: string) => string;
    removed: (user: string) => string;
    reset: (actor: string, user: string) => string;
    regenerated: (user: string) => string;
    recoveryUsed: (user: string, left: number) => string;
    /** `count` wrong codes in a row (consecutive events of one user, shown as one). */
    failed: (user: string, count: number) => string;
    replayed: (user: string) => string;
    locked: (user: string, failures: number, seconds: number) => string;
    passkeyAdded: (user: string, name: string) => string;
    passkeyRenamed: (user: string, from: string, to: string) => string;
    passkeyRemoved: (user: string) => string;
    /** The days members may skip the second step on a remembered device changed (0: never). */
    policyRemember: (actor: string, days: number) => string;
    deviceRemembered: (user: string, label: string) => string;
    /** `label` is empty when all of the user's devices were forgotten. */
    deviceForgotten: (user: string, label: string) => string;
    /** An administrator reminded a member to set up MFA. */
    reminded: (actor: string, user: string) => string;
    /** A scheduled reminder (no one sent it by hand). */
    remindedAuto: (user: string) => string;
  };
  /** What a policy change changed, as phrases that `auditSentences.policyChanged` joins. */
  auditChanges: {
    mode: (from: string, to: string) => string;
    gracePeriod: (from: number, to: number) => string;
    allowedFactors: (from: string, to: string) => string;
    enforceAfterSso: (on: boolean) => string;
    rememberDevice: (from: number, to: number) => string;
    /** The start date set (`date`) or removed (`null`: enforced at once). */
    enforceFrom: (date: string | null) => string;
  };
  /** `<mfa-nudge>`'s accessible name. */
  nudgeLabel: string;
  /** The suggestion to set up MFA, where nothing requires it (yet). */
  nudgeSetUp: string;
  /** The same, before the account's start date `date`. */
  nudgeSetUpFrom: (date: string) => string;
  /** The link to the profile that goes with it. */
  nudgeSetUpLink: string;
  /** The suggestion to add a passkey, to a user who verified with an app code; its link is `addPasskey`. */
  nudgePasskey: string;
  /** Hides the suggestion for some days. */
  notNow: string;
}
