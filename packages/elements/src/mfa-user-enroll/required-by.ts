import type { MeResponse, RequiredByEntry } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import { webauthnSupported } from '../webauthn-support.ts';
import type { Profile } from './profile.ts';

/** What an account requiring MFA accepts (every method, from a server that does not say). */
export const accepted = (r: { accepts?: readonly string[] }) => r.accepts ?? ['totp', 'webauthn'];

/** The start date of an account's policy that is not enforced yet, else `null`. */
const pendingFrom = (r: RequiredByEntry) =>
  r.enforceFrom && Date.parse(r.enforceFrom) > Date.now() ? r.enforceFrom : null;

/**
 * What the user must do first, when an account requires MFA that they do not hold yet
 * (or hold only as an app where passkeys are required): which account, by when (now,
 * once the date has passed), and the method recommended (a passkey where the browser can
 * make one, else the app), whose button is then the primary one.
 */
export function lead(h: Profile, me: MeResponse) {
  const t = h.t;
  const held: string[] = me.factors.map((f) => f.type);
  const unmet = me.requiredBy.filter((r) => !accepted(r).some((m) => held.includes(m)));
  const passkeyOnly = unmet.some((r) => !accepted(r).includes('totp'));
  const recommend: 'passkey' | 'app' | '' = !unmet.length
    ? ''
    : passkeyOnly || webauthnSupported()
      ? 'passkey'
      : 'app';
  const lines = unmet.map((r: RequiredByEntry) => {
    const date = r.deadline && Date.parse(r.deadline) > Date.now() ? h.date(r.deadline) : null;
    const from = pendingFrom(r);
    const start = from && h.date(from);
    return accepted(r).includes('totp')
      ? t.requiredLead(r.accountName, date, start)
      : t.requiredLeadPasskey(r.accountName, date, start);
  });
  const template = unmet.length
    ? html`<div class="lead">
        ${lines.map((line) => html`<p>${line}</p>`)}
        ${passkeyOnly ? nothing : html`<p>${recommend === 'passkey' ? t.recommendPasskey : t.recommendApp}</p>`}
      </div>`
    : nothing;
  return { template, recommend };
}

/**
 * An account that requires MFA, with its deadline, or that it has passed, or the reset that ended
 * it; a pending one from when (its deadline then counts from that day).
 */
function entry(h: Profile, r: RequiredByEntry): string {
  const t = h.t;
  const { accountName: account, deadline, resetAt } = r;
  const from = pendingFrom(r);
  if (from) return t.requiredByPending(account, h.date(from), h.date(deadline ?? from));
  // A reset left no grace period: the reset's day, not "the grace period ended".
  if (resetAt) return t.requiredByReset(account, h.date(resetAt));
  if (!deadline) return t.requiredByEntry(account, null);
  const date = h.date(deadline);
  return Date.parse(deadline) <= Date.now()
    ? t.requiredByOverdue(account, date)
    : t.requiredByEntry(account, date);
}

/** The accounts that require MFA of the user, each with its deadline and what it accepts. */
export function renderRequiredBy(h: Profile, me: MeResponse) {
  const t = h.t;
  return html`
    <section class="required" aria-labelledby="required-title">
      <h3 id="required-title">${t.requiredByTitle}</h3>
      ${
        me.requiredBy.length === 0
          ? html`<p class="muted">${t.requiredByNone}</p>`
          : html`<ul>
            ${me.requiredBy.map(
              (r) => html`<li>
                ${entry(h, r)}
                ${!accepted(r).includes('totp') ? html`<span class="muted">${t.requiredByPasskey(r.accountName)}</span>` : nothing}
              </li>`,
            )}
          </ul>`
      }
    </section>
  `;
}
