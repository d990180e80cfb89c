import type { NotificationDetails } from './messages.ts';
import type { NotificationStrings } from './strings.ts';

/** The characters HTML gives a meaning, as entities: text placed in HTML stays text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a message is made of before it becomes text and HTML. */
interface Parts {
  subject: string;
  paragraphs: string[];
  /** Shown strong in HTML (the recovery codes running out). */
  warning?: string;
  /** One line each, as a list (a policy's changed settings). */
  items?: string[];
  /** Whether the recipient may have made the change themselves (then `notYou` follows). */
  selfService: boolean;
  /** A message to an administrator of this account (its footer says so; no profile link). */
  adminOf?: string;
}

/** The kinds the user may have caused themselves: a message that follows says what to do if not. */
function parts(details: NotificationDetails, s: NotificationStrings, when: string): Parts {
  switch (details.kind) {
    case 'factor_added':
      return {
        subject: s.factorAddedSubject(details.factor),
        paragraphs: s.factorAddedBody(details.factor, when),
        selfService: true,
      };
    case 'factor_replaced':
      return {
        subject: s.factorReplacedSubject(details.factor),
        paragraphs: s.factorReplacedBody(details.factor, when),
        selfService: true,
      };
    case 'factor_removed':
      return {
        subject: s.factorRemovedSubject(details.factor),
        paragraphs: s.factorRemovedBody(details.factor, when),
        selfService: true,
      };
    case 'recovery_codes_regenerated':
      return {
        subject: s.recoveryCodesRegeneratedSubject,
        paragraphs: s.recoveryCodesRegeneratedBody(details.count, when),
        selfService: true,
      };
    case 'recovery_code_used':
      return {
        subject: s.recoveryCodeUsedSubject(details.remaining),
        paragraphs: s.recoveryCodeUsedBody(details.remaining, when),
        ...(details.remaining <= 3 ? { warning: s.recoveryCodesLow(details.remaining) } : {}),
        selfService: true,
      };
    case 'mfa_reset':
      return {
        subject: s.mfaResetSubject,
        paragraphs: s.mfaResetBody(s.actor(details.by), details.account, when),
        selfService: false,
      };
    case 'device_remembered':
      return {
        subject: s.deviceRememberedSubject,
        paragraphs: s.deviceRememberedBody(
          details.label,
          details.expiresAt ? s.dateTime(details.expiresAt) : null,
          when,
        ),
        selfService: true,
      };
    case 'sign_in_paused':
      return {
        subject: s.signInPausedSubject,
        paragraphs: s.signInPausedBody(details.failures, s.duration(details.pausedForSeconds), when),
        selfService: false,
      };
    case 'member_reset':
      return {
        subject: s.memberResetSubject(details.member, details.account),
        paragraphs: s.memberResetBody(details.member, s.actor(details.by), details.account, when),
        selfService: false,
        adminOf: details.account,
      };
    case 'mfa_required_soon':
      return {
        subject: s.mfaRequiredSoonSubject(details.account),
        paragraphs: s.mfaRequiredSoonBody(
          details.account,
          details.enforceFrom ? s.dateTime(details.enforceFrom) : null,
          details.deadline ? s.dateTime(details.deadline) : null,
        ),
        selfService: false,
      };
    case 'mfa_reminder':
      return {
        subject: s.mfaReminderSubject(details.account),
        paragraphs: s.mfaReminderBody(
          details.account,
          details.deadline ? s.dateTime(details.deadline) : null,
        ),
        selfService: false,
      };
    case 'mfa_overdue':
      return {
        subject: s.mfaOverdueSubject(details.account),
        paragraphs: s.mfaOverdueBody(details.account),
        selfService: false,
      };
    case 'policy_changed':
      return {
        subject: s.policyChangedSubject(details.account),
        paragraphs: s.policyChangedBody(s.actor(details.by), details.account, when),
        items: details.changes.length
          ? details.changes.map((change) => s.policyChange(change, s))
          : [s.policyChangedOther],
        selfService: false,
        adminOf: details.account,
      };
  }
}

/**
 * A notification written out: its subject, a plain-text body and an HTML body (a small
 * document; every value placed in it escaped). `profileUrl`, when given, is linked in
 * messages to the user.
 */
export function renderNotification(
  details: NotificationDetails,
  s: NotificationStrings,
  input: { displayName: string; at: Date; locale: string; profileUrl: string | null },
): { subject: string; text: string; html: string } {
  const p = parts(details, s, s.dateTime(input.at));
  // A subject becomes a mail header: a line break in a name placed in it must not start another.
  p.subject = p.subject.replace(/[\r\n]+/g, ' ');
  const greeting = s.greeting(input.displayName);
  const advice = p.selfService ? [s.notYou] : [];
  const link = p.adminOf === undefined && input.profileUrl ? input.profileUrl : null;
  const footer = p.adminOf === undefined ? s.footer : s.adminFooter(p.adminOf);

  const text = [
    greeting,
    ...p.paragraphs,
    ...(p.items ? [p.items.map((item) => `- ${item}`).join('\n')] : []),
    ...(p.warning ? [p.warning] : []),
    ...advice,
    ...(link ? [`${s.profileLink}: ${link}`] : []),
    `-- \n${footer}`,
  ].join('\n\n');

  const para = (t: string) => `<p>${escapeHtml(t)}</p>`;
  const body = [
    para(greeting),
    ...p.paragraphs.map(para),
    ...(p.items ? [`<ul>${p.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`] : []),
    ...(p.warning ? [`<p><strong>${escapeHtml(p.warning)}</strong></p>`] : []),
    ...advice.map(para),
    ...(link ? [`<p><a href="${escapeHtml(link)}">${escapeHtml(s.profileLink)}</a></p>`] : []),
    `<hr><p style="color:#555;font-size:small">${escapeHtml(footer)}</p>`,
  ].join('\n');
  const html = `<!doctype html>
<html lang="${escapeHtml(input.locale)}">
<head><meta charset="utf-8"><title>${escapeHtml(p.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5">
${body}
</body>
</html>
`;
  return { subject: p.subject, text, html };
}
