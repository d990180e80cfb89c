import type { MeResponse } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import { toApiError } from '../base.ts';
import { MfaEnrolledEvent, MfaUnenrolledEvent } from '../events.ts';
import type { Profile } from './profile.ts';
import { renderCodesLeft, renderCodesOutdated, renderRegenerate, showCodes } from './recovery-codes.ts';
import { accepted } from './required-by.ts';

// The authenticator app: its status, **Set up** (the QR code and key, confirmed with a
// code), **Replace** and **Remove authenticator app** (after saying what remains).

/** Starts a setup: the server's secret as a QR code and a key, and the code field. */
async function setup(h: Profile): Promise<void> {
  const [setup, panels] = await Promise.all([h.client.setupTotp(), h.loadPanels()]);
  h.phase = { name: 'setup', setup: panels.showSetup(setup) };
  h.act.end('app');
}

async function remove(h: Profile): Promise<void> {
  await h.client.removeTotp();
  h.phase = { name: 'idle' };
  h.el.dispatchEvent(new MfaUnenrolledEvent());
  await h.reload();
  h.act.end('app', h.t.removed);
}

/** Confirms the setup with a code: the first factor's recovery codes follow, else a note. */
async function confirm(h: Profile, e: Event) {
  e.preventDefault();
  if (h.act.busy || h.phase.name !== 'setup') return;
  const field = h.el.renderRoot.querySelector<HTMLInputElement>('#code');
  const code = (field?.value ?? '').replace(/\D/g, '');
  if (code.length !== 6) {
    h.act.clear();
    field?.focus();
    return;
  }
  if (!h.act.begin('app')) return;
  try {
    const { recoveryCodes } = await h.client.confirmTotp(code);
    h.el.dispatchEvent(new MfaEnrolledEvent());
    if (!recoveryCodes) {
      // Beside a passkey: the recovery codes the user saved stay as they are.
      h.phase = { name: 'idle' };
      await h.reload();
      h.act.end('app', h.t.appAdded);
      await h.focus('#regenerate');
      return;
    }
    // The status above the codes says at once that the app is set up.
    await showCodes(h, recoveryCodes, true, 'app');
    await h.focus('#codes-title');
  } catch (err) {
    const error = toApiError(err);
    if (field) field.value = '';
    if (error.code === 'not_enrolled') h.phase = { name: 'idle' };
    h.act.fail('app', error);
    // Back to the field, marked invalid and described by the error beside it; said only where
    // focus stayed in the field (Enter), since moving focus there reads the error.
    if (field && (h.el.renderRoot as ShadowRoot).activeElement === field) h.live.say(h.act.error);
    await h.focus('#code, #set-up');
  }
}

/** The app's status line, with the recovery codes left beside it. */
export function renderAppStatus(h: Profile, me: MeResponse) {
  const t = h.t;
  const app = me.factors.find((f) => f.type === 'totp');
  return html`<p class="status">
        <span id="app-status">${app ? t.statusOn(h.date(app.createdAt)) : t.statusOff}</span>
        ${renderCodesLeft(h, me)}
      </p>
      ${renderCodesOutdated(h, me)}`;
}

/**
 * The app's controls, or what is open in their place: the setup, the removal's
 * confirmation. **Set up** is the primary button unless a passkey is `recommend`ed.
 */
export function renderApp(h: Profile, me: MeResponse, recommend: string) {
  const t = h.t;
  const phase = h.phase;
  if (phase.name === 'setup')
    return h.panels?.renderSetup(h.panelHost, phase.setup, (e) => void confirm(h, e));
  if (phase.name === 'confirm-remove') {
    const passkeys = me.factors.filter((f) => f.type === 'webauthn').length;
    return h.panels?.renderConfirmRemove(
      h.panelHost,
      passkeys,
      (passkeys ? [] : me.requiredBy.filter((r) => accepted(r).includes('totp'))).map((r) => r.accountName),
      () => void h.run('remove', () => remove(h)),
      () => h.cancel('#remove-app'),
    );
  }
  const busy = h.act.busy;
  const described = h.act.describedBy('app');
  return me.factors.some((f) => f.type === 'totp')
    ? html`<div class="actions">
          ${renderRegenerate(h)}
          <button id="replace-app" type="button" ?disabled=${busy} aria-describedby=${described} @click=${() => h.run('setup', () => setup(h))}>${t.replace}</button>
          <button
            id="remove-app"
            type="button"
            ?disabled=${busy}
            aria-describedby=${described}
            @click=${() => h.open({ name: 'confirm-remove' }, 'button.danger')}
          >
            ${t.remove}
          </button>
        </div>`
    : html`<div class="actions">
          <button
            id="set-up"
            class=${recommend === 'passkey' ? '' : 'primary'}
            type="button"
            ?disabled=${busy}
            aria-describedby=${h.act.describedBy('app', 'app-status')}
            @click=${() => h.run('setup', () => setup(h))}
          >${t.setUp}</button>
          ${me.enrolled ? renderRegenerate(h) : nothing}
        </div>`;
}
