import type { MeResponse } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import type { Profile } from './profile.ts';
import { renderCodesLeft, renderCodesOutdated, renderRegenerate } from './recovery-codes.ts';

// The authenticator app: its status, **Set up** (the QR code and key, confirmed with a
// code), **Replace** and **Remove authenticator app** (after saying what remains). The
// setup and the removal's confirmation are panels (panels.ts), with the actions they start.

/** Starts a setup: the server's secret as a QR code and a key, and the code field. */
async function setup(h: Profile): Promise<void> {
  const [setup, panels] = await Promise.all([h.client.setupTotp(), h.loadPanels()]);
  h.phase = { name: 'setup', setup: panels.showSetup(setup) };
  h.act.end('app');
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
  if (phase.name === 'setup') return h.panels?.renderSetup(h, phase.setup);
  if (phase.name === 'confirm-remove') return h.panels?.renderConfirmRemove(h, me);
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
