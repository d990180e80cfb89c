import type { MeResponse } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import { MfaRecoveryCodesEvent } from '../events.ts';
import type { Where } from './action.ts';
import type { Phase, Profile } from './profile.ts';

// The recovery codes: how many are left (and whether they are outdated), **Regenerate**,
// and the codes shown once (copy, download, print) until the user says they saved them,
// after the first factor is added or after a regeneration.

/**
 * Shows `codes` once, in place of the app's controls (`enrolled`: the first factor's,
 * so "Two-factor authentication is on" follows), ending the action of `where`.
 */
export async function showCodes(h: Profile, codes: string[], enrolled: boolean, where: Where): Promise<void> {
  await h.loadPanels();
  h.phase = { name: 'codes', codes, saved: false, enrolled };
  h.act.end(where);
  h.el.dispatchEvent(new MfaRecoveryCodesEvent(codes.length));
  // The codes matter more now; the status follows after Done.
  await h.reload(true);
}

/** Asks for new codes (the old ones stop working) and shows them. */
async function regenerate(h: Profile): Promise<void> {
  const { recoveryCodes } = await h.client.regenerateRecoveryCodes();
  await showCodes(h, recoveryCodes, false, 'app');
}

/** The codes leave the page once the user says they saved them. */
async function finish(h: Profile, enrolled: boolean) {
  h.phase = { name: 'idle' };
  await h.reload();
  // Said where the user is: at the top of the card, where the codes were.
  if (enrolled) h.act.end('top', h.t.mfaOn);
  await h.focus(enrolled ? '#title' : '#regenerate');
}

/** How many codes are left, beside the app's status. */
export function renderCodesLeft(h: Profile, me: MeResponse) {
  return me.enrolled
    ? html`<span class="muted">${h.t.recoveryCodesLeft(me.recoveryCodesRemaining)}</span>`
    : nothing;
}

/** A warning under the status when the codes are outdated. */
export function renderCodesOutdated(h: Profile, me: MeResponse) {
  return me.enrolled && me.recoveryCodesOutdated
    ? html`<p class="outdated">${h.t.recoveryCodesOutdated}</p>`
    : nothing;
}

/** **Regenerate recovery codes**, beside the app's controls. */
export function renderRegenerate(h: Profile) {
  return html`<button id="regenerate" type="button" ?disabled=${h.act.busy} aria-describedby=${h.act.describedBy('app')} @click=${() => h.run('regenerate', () => regenerate(h))}>${h.t.regenerate}</button>`;
}

/** The codes, shown once. */
export function renderCodes(h: Profile, phase: Extract<Phase, { name: 'codes' }>) {
  return h.panels?.renderCodes(
    h.panelHost,
    phase.codes,
    phase.saved,
    (saved) => {
      h.phase = { ...phase, saved };
    },
    () => void finish(h, phase.enrolled),
  );
}
