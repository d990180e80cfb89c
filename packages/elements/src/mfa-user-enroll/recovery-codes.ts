import type { MeResponse } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import type { Profile } from './profile.ts';

// The recovery codes: how many are left (and whether they are outdated) and **Regenerate**.
// The codes themselves, shown once (copy, download, print) until the user says they saved
// them, after the first factor is added or after a regeneration, are a panel (panels.ts).

/** Asks for new codes (the old ones stop working) and shows them. */
async function regenerate(h: Profile): Promise<void> {
  const { recoveryCodes } = await h.client.regenerateRecoveryCodes();
  await (await h.loadPanels()).showCodes(h, recoveryCodes, false, 'app');
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
