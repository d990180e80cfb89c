import type { MfaStrings } from './mfa-strings.ts';

/** The words of `<mfa-members>`, in English. */
export const members: Pick<
  MfaStrings,
  | 'membersTitle'
  | 'membersFilter'
  | 'memberFilters'
  | 'memberFilterWithoutPasskey'
  | 'memberAppOnly'
  | 'memberReset'
  | 'membersSearch'
  | 'membersSearchHint'
  | 'memberColumns'
  | 'memberRoles'
  | 'memberMethods'
  | 'memberNone'
  | 'memberSince'
  | 'memberDue'
  | 'memberOverdue'
  | 'membersShown'
  | 'membersEmpty'
  | 'loadMore'
  | 'copyEmails'
  | 'exportCsv'
  | 'emailsCopied'
  | 'emailsToCopy'
  | 'resetMfa'
  | 'resetTitle'
  | 'resetExplain'
  | 'resetDone'
  | 'resetShared'
  | 'close'
  | 'remindMembers'
  | 'remindNext'
  | 'reminded'
  | 'memberReminded'
> = {
  membersTitle: 'Members',
  membersFilter: 'Show',
  memberFilters: { all: 'All', without_mfa: 'Without MFA', overdue: 'Overdue' },
  memberFilterWithoutPasskey: 'Without a passkey',
  memberAppOnly: 'App only — needs a passkey',
  membersSearch: 'Search members',
  membersSearchHint: 'By name or email',
  memberColumns: {
    name: 'Name',
    email: 'Email',
    role: 'Role',
    methods: 'Methods',
    status: 'Status',
    actions: 'Actions',
  },
  memberRoles: { admin: 'Administrator', member: 'Member' },
  memberMethods: { totp: 'Authenticator app', webauthn: 'Passkey' },
  memberNone: 'Not set up',
  memberSince: (date) => `Set up since ${date}`,
  memberDue: (date) => `Due by ${date}`,
  memberOverdue: (date) => `Overdue since ${date}`,
  memberReset: (date) => `Reset ${date} — must set up at next sign-in`,
  membersShown: (shown, total) => `Showing ${shown} of ${total}`,
  membersEmpty: 'No members match.',
  loadMore: 'Load more',
  copyEmails: 'Copy emails',
  exportCsv: 'Export CSV',
  emailsCopied: (count) => `Copied ${count} ${count === 1 ? 'email' : 'emails'} of members without MFA.`,
  emailsToCopy: 'Emails of members without MFA',
  resetMfa: 'Reset MFA',
  resetTitle: (name) => `Reset MFA for ${name}?`,
  resetExplain: (name) =>
    `${name}'s authenticator app, passkeys and recovery codes will be removed and their other sessions signed out of MFA. Where MFA is required, they must set it up again before they can continue.`,
  resetDone: (name) => `MFA was reset for ${name}.`,
  resetShared: (name) =>
    `${name} also belongs to other accounts, so resetting their MFA here would change it there too. Only the portal's support can reset it.`,
  close: 'Close',
  remindMembers: 'Remind members without MFA',
  remindNext: (when) => `Next reminder possible ${when}`,
  reminded: (count) =>
    count ? `Reminded ${count} ${count === 1 ? 'member' : 'members'}` : 'Nobody needed a reminder.',
  memberReminded: (date) => `Last reminded ${date}`,
};
