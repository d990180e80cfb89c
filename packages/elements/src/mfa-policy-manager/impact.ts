import type { MemberResponse } from '@mfakit/server-sdk';
import { html, nothing, type TemplateResult } from 'lit';
import { requires } from '../modes.ts';
import type { MfaStrings } from '../strings/mfa-strings.ts';
import type { Draft } from './draft.ts';
import { dayStart } from './start-date.ts';

const DAY_MS = 86_400_000;

/** Whom a draft affects: a key that changes when that does, its summary, and the preview. */
export interface Impact {
  key: string;
  summary: string;
  template: TemplateResult | typeof nothing;
}

/** Nobody affected, nothing shown. */
export const noImpact: Impact = { key: '', summary: '', template: nothing };

/**
 * Whom a requiring policy affects (members without an accepted method), before it is saved; with
 * a start date ahead, from when and by when (the grace period counts from that day).
 * Not a live region: its list changes with every choice; the element says the summary once
 * the choices settle. Nothing for an optional policy, or while `hidden` (the grace period out
 * of range: its days would be wrong).
 */
export function impactOf(
  t: MfaStrings,
  draft: Draft,
  members: MemberResponse[],
  date: (iso: string) => string,
  hidden: boolean,
): Impact {
  if (draft.mode === 'optional' || hidden) return noImpact;
  const strict = draft.allowedFactors === 'phishing_resistant';
  // Under "Phishing-resistant only" an app does not count: members without a passkey or security key are affected.
  const lacks = (m: MemberResponse) => (strict ? !m.methods?.includes('webauthn') : !m.enrolled);
  const affected = members.filter((m) => requires(draft.mode, m.role) && lacks(m));
  const days = draft.gracePeriodDays;
  const start = draft.enforceFrom ? dayStart(draft.enforceFrom) : null;
  const from = start && Date.parse(start) > Date.now() ? start : null;
  const deadline = from && new Date(Date.parse(from) + days * DAY_MS).toISOString();
  const summary =
    affected.length === 0
      ? t.impactNone
      : from && deadline
        ? (strict ? t.impactFromPhishingResistant : t.impactFrom)(affected.length, date(from), date(deadline))
        : strict
          ? t.impactPhishingResistant(affected.length, days)
          : t.impact(affected.length, days);
  const template = html`<div part="impact" class="impact">
      ${
        affected.length === 0
          ? html`<p>${summary}</p>`
          : html`<p><strong>${summary}</strong></p>
            <ul>
              ${affected.map(
                (m) =>
                  html`<li>${
                    m.resetAt
                      ? t.impactReset(m.displayName)
                      : t.impactDeadline(m.displayName, date(deadline || m.deadline || '') || null, days)
                  }</li>`,
              )}
            </ul>`
      }
    </div>`;
  return { key: `${strict}:${affected.length}:${from}`, summary, template };
}
