import type { MeResponse, WebAuthnCredentialResponse } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import { MfaCredentialChangeEvent } from '../events.ts';
import { webauthnSupported } from '../webauthn-support.ts';
import type { Action, Profile } from './profile.ts';

/** Adding or removing a passkey: the actions that may need a step-up. */
export type PasskeyAction = Exclude<Action, string>;

// Passkeys and security keys: the list (name, "Synced", when added and last used), **Add a
// passkey** (named first, then the browser's dialog), **Rename** and **Remove** each. The
// name's form, and renaming, are a panel (panels.ts).

function run(h: Profile, action: PasskeyAction) {
  return h.run(action, () => perform(h, action));
}

/** Adds a passkey (the browser's dialog between the server's options and its check) or removes one. */
async function perform(h: Profile, action: PasskeyAction): Promise<void> {
  if (action.name === 'remove-passkey') {
    await h.client.removeWebauthnCredential(action.credential.credentialId);
    h.phase = { name: 'idle' };
    h.el.dispatchEvent(new MfaCredentialChangeEvent('removed', action.credential));
    await h.me.reload();
    h.act.end('passkeys', h.t.passkeyRemoved);
    return;
  }
  const [{ options }, { passkeyCeremony }] = await Promise.all([
    h.client.webauthnRegistration(),
    import('../webauthn.ts'),
  ]);
  const response = await passkeyCeremony('create', options);
  const { credential, recoveryCodes } = await h.client.addWebauthnCredential(response, action.label);
  h.el.dispatchEvent(new MfaCredentialChangeEvent('added', credential));
  if (recoveryCodes) {
    // The first factor: its recovery codes are shown once, as after setting up the app.
    await (await h.loadPanels()).showCodes(h, recoveryCodes, true, 'passkeys');
  } else {
    h.phase = { name: 'idle' };
    await h.me.reload();
    h.act.end('passkeys', h.t.passkeyAdded);
  }
}

function renderItem(h: Profile, credential: WebAuthnCredentialResponse) {
  const t = h.t;
  const phase = h.phase;
  const busy = h.act.busy;
  const here = (name: string) =>
    phase.name === name && 'credential' in phase && phase.credential.credentialId === credential.credentialId;
  if (here('rename-passkey')) {
    return html`<li>${h.panels?.renderNameForm(h, credential)}</li>`;
  }
  return html`<li>
      <div class="passkey-info">
        <span class="passkey-name">${credential.name}</span>
        ${credential.backedUp ? html`<span class="badge">${t.passkeySynced}</span>` : nothing}
        <span class="muted passkey-dates">
          ${t.passkeyDates(h.date(credential.createdAt), credential.lastUsedAt ? h.date(credential.lastUsedAt) : null)}
        </span>
      </div>
      ${
        here('confirm-remove-passkey')
          ? html`<p>${t.removePasskeyConfirm(credential.name)}</p>
            <div class="actions">
              <button class="danger" type="button" ?disabled=${busy} @click=${() => run(h, { name: 'remove-passkey', credential })}>
                ${t.removePasskeyYes}
              </button>
              <button type="button" @click=${() => h.cancel('#add-passkey, #passkeys-title')}>${t.cancel}</button>
            </div>`
          : html`<div class="actions">
            <button type="button" ?disabled=${busy} aria-label=${t.renamePasskey(credential.name)} @click=${() => h.open({ name: 'rename-passkey', credential }, '#passkey-name')}>
              ${t.rename}
            </button>
            <button type="button" ?disabled=${busy} aria-label=${t.removePasskey(credential.name)} @click=${() => h.open({ name: 'confirm-remove-passkey', credential }, 'li button.danger')}>
              ${t.removeOne}
            </button>
          </div>`
      }
    </li>`;
}

/** The section; **Add a passkey** is the primary button when `recommended`. */
export function renderPasskeys(h: Profile, me: MeResponse, recommended: boolean) {
  const t = h.t;
  const phase = h.phase;
  const passkeys = me.factors.flatMap((f) =>
    f.type === 'webauthn' ? [f as WebAuthnCredentialResponse] : [],
  );
  const stepUp = phase.name === 'step-up' && typeof phase.action === 'object' ? phase : null;
  return html`<section class="passkeys" aria-labelledby="passkeys-title">
      <h3 id="passkeys-title">${t.passkeysTitle}</h3>
      <p class="muted">${t.passkeysHint}</p>
      ${
        passkeys.length
          ? html`<ul part="passkeys" class="passkey-list">${passkeys.map((c) => renderItem(h, c))}</ul>`
          : html`<p>${t.passkeysNone}</p>`
      }
      ${
        !webauthnSupported()
          ? html`<p class="outdated" role="note">${t.passkeysUnsupported}</p>`
          : stepUp
            ? h.renderStepUp(stepUp, '#add-passkey')
            : phase.name === 'name-passkey'
              ? h.panels?.renderNameForm(h, null, (label) => void run(h, { name: 'add-passkey', label }))
              : html`<div class="actions">
              <button
                id="add-passkey"
                type="button"
                class=${recommended ? 'primary' : ''}
                ?disabled=${h.act.busy || phase.name !== 'idle'}
                aria-describedby=${h.act.describedBy('passkeys')}
                @click=${() => h.open({ name: 'name-passkey' }, '#passkey-name')}
              >
                ${t.addPasskey}
              </button>
            </div>`
      }
      ${h.act.note('passkeys')}
    </section>`;
}
