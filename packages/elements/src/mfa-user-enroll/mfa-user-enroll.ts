import type {
  MeResponse,
  RememberedDeviceResponse,
  RememberedDevicesResponse,
  WebAuthnCredentialResponse,
} from '@mfakit/server-sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { Loader, MfaElement, toApiError } from '../base.ts';
import type { MfaApiError } from '../client.ts';
import {
  MfaCredentialChangeEvent,
  MfaDeviceForgottenEvent,
  MfaEnrolledEvent,
  MfaRecoveryCodesEvent,
  MfaUnenrolledEvent,
} from '../events.ts';
import { common } from '../strings/en-common.ts';
import { enroll } from '../strings/en-enroll.ts';
import { tokens } from '../styles/shared.ts';
import { webauthnSupported } from '../webauthn-support.ts';
import { styles } from './mfa-user-enroll.styles.ts';
import type { PanelHost, ShownSetup } from './panels.ts';

type Action =
  | 'setup'
  | 'regenerate'
  | 'remove'
  | { name: 'add-passkey'; label: string }
  | { name: 'remove-passkey'; credential: WebAuthnCredentialResponse };

type Phase =
  | { name: 'idle' }
  | { name: 'setup'; setup: ShownSetup }
  | { name: 'codes'; codes: string[]; saved: boolean; enrolled: boolean }
  | { name: 'confirm-remove' }
  | { name: 'name-passkey' }
  | { name: 'rename-passkey'; credential: WebAuthnCredentialResponse }
  | { name: 'confirm-remove-passkey'; credential: WebAuthnCredentialResponse }
  | { name: 'step-up'; action: Action };

const hasApp = (me: MeResponse) => me.factors.some((f) => f.type === 'totp');
const passkeysOf = (me: MeResponse) =>
  me.factors.flatMap((f) => (f.type === 'webauthn' ? [f as WebAuthnCredentialResponse] : []));

/**
 * The user's own MFA, for the profile's security page: status, setting up an
 * authenticator app (QR code and manual key, confirmed with a code), passkeys
 * and security keys (add with a name, rename, remove), recovery codes shown
 * once, regenerating them, removing MFA, the devices remembered to skip the
 * second step (each with **Forget**, and **Forget all devices**; shown when an
 * account of the user allows remembering or a device is remembered), and the
 * accounts that require MFA of the user with their deadlines.
 *
 * @summary Set up, review and remove the user's authenticator app, passkeys and security keys.
 * @fires mfa-enrolled - The authenticator app is set up.
 * @fires mfa-unenrolled - The authenticator app was removed.
 * @fires mfa-credential-change - A passkey or security key was added, renamed or removed; `event.action` and `event.credential` say which.
 * @fires mfa-recovery-codes - New recovery codes are shown; `event.count` says how many.
 * @fires mfa-device-forgotten - A remembered device was forgotten (`event.deviceId`), or all of them (`null`).
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The section.
 * @csspart qr - The QR code image.
 * @csspart key - The manual setup key.
 * @csspart open-app - The button that opens an authenticator app on the same device.
 * @csspart input - The code input.
 * @csspart codes - The list of recovery codes.
 * @csspart passkeys - The list of passkeys and security keys.
 * @csspart devices - The list of remembered devices.
 * @csspart message - The live region for errors and confirmations.
 * @cssprop --mfa-accent - The colour of primary buttons.
 * @cssprop --mfa-surface - The background of the setup and recovery-code panels.
 * @cssprop --mfa-font - The font shorthand.
 * @cssprop --mfa-radius - The corner radius.
 */
export class MfaUserEnroll extends MfaElement {
  static override properties: PropertyDeclarations = {
    phase: { attribute: false },
    busy: { attribute: false },
    error: { attribute: false },
    notice: { attribute: false },
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...enroll };

  /** The remembered devices, loaded again with the user's MFA state (a factor change forgets them). */
  private readonly devices = new Loader<RememberedDevicesResponse>(this, () => this.client.devices());
  private readonly me = new Loader<MeResponse>(
    this,
    () => this.client.me(),
    () => void this.devices.reload({ quiet: true }),
  );
  private phase: Phase = { name: 'idle' };
  private busy = false;
  private error: MfaApiError | null = null;
  private notice = '';

  private get codeField(): HTMLInputElement | null {
    return this.renderRoot.querySelector('#code');
  }
  /** The setup and recovery-code panels, loaded when first shown. */
  private panels: typeof import('./panels.ts') | undefined;

  private async loadPanels() {
    if (!this.panels) {
      this.panels = await import('./panels.ts');
      const root = this.renderRoot as ShadowRoot;
      const sheet = this.panels.panelStyles.styleSheet;
      if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
    return this.panels;
  }

  /** What the panels use of this element. */
  private get panelHost(): PanelHost {
    return {
      t: this.t,
      busy: this.busy,
      say: (text) => {
        this.notice = text;
      },
      cancel: () => this.cancelPhase(),
    };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** Reloads the user's MFA state. */
  async refresh(): Promise<void> {
    await this.me.reload();
  }

  /** Updates the status line beside new codes; a failure keeps the codes and the last status. */
  private async refreshStatus(): Promise<void> {
    // The codes matter more now; the status follows after Done.
    await this.me.reload({ quiet: true });
  }

  private async focusSoon(selector: string) {
    await this.updateComplete;
    (this.renderRoot.querySelector(selector) as HTMLElement | null)?.focus();
  }

  private async run(action: Action) {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.notice = '';
    try {
      if (typeof action === 'object') {
        await this.runPasskey(action);
      } else if (action === 'setup') {
        const [setup, panels] = await Promise.all([this.client.setupTotp(), this.loadPanels()]);
        this.phase = { name: 'setup', setup: panels.showSetup(setup) };
        await this.focusSoon('#code');
      } else if (action === 'regenerate') {
        const [{ recoveryCodes }] = await Promise.all([
          this.client.regenerateRecoveryCodes(),
          this.loadPanels(),
        ]);
        this.phase = { name: 'codes', codes: recoveryCodes, saved: false, enrolled: false };
        this.dispatchEvent(new MfaRecoveryCodesEvent(recoveryCodes.length));
        await this.focusSoon('#codes-title');
        await this.refreshStatus();
      } else {
        await this.client.removeTotp();
        this.phase = { name: 'idle' };
        this.notice = this.t.removed;
        this.dispatchEvent(new MfaUnenrolledEvent());
        await this.refresh();
      }
    } catch (err) {
      if (err instanceof DOMException) {
        // The browser's dialog was closed or refused (an authenticator that already holds one: InvalidStateError).
        this.phase = { name: 'idle' };
        this.notice = err.name === 'InvalidStateError' ? this.t.passkeyExists : this.t.passkeyCancelled;
        return;
      }
      const error = toApiError(err);
      if (error.code === 'step_up_required') {
        this.phase = { name: 'step-up', action };
        await this.focusStepUp();
      } else {
        this.error = error;
        if (action !== 'setup' && action !== 'regenerate') this.phase = { name: 'idle' };
        this.reportError(error);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Adds a passkey (the browser's dialog between the server's options and its check) or removes one. */
  private async runPasskey(action: Exclude<Action, string>) {
    if (action.name === 'remove-passkey') {
      await this.client.removeWebauthnCredential(action.credential.credentialId);
      this.phase = { name: 'idle' };
      this.notice = this.t.passkeyRemoved;
      this.dispatchEvent(new MfaCredentialChangeEvent('removed', action.credential));
      await this.refresh();
      return;
    }
    const [{ options }, { passkeyCeremony }] = await Promise.all([
      this.client.webauthnRegistration(),
      import('../webauthn.ts'),
    ]);
    const response = await passkeyCeremony('create', options);
    const { credential, recoveryCodes } = await this.client.addWebauthnCredential(response, action.label);
    this.dispatchEvent(new MfaCredentialChangeEvent('added', credential));
    if (recoveryCodes) {
      await this.loadPanels();
      // The first factor: its recovery codes are shown once, as after setting up the app.
      this.phase = { name: 'codes', codes: recoveryCodes, saved: false, enrolled: true };
      this.dispatchEvent(new MfaRecoveryCodesEvent(recoveryCodes.length));
      await this.focusSoon('#codes-title');
      await this.refreshStatus();
    } else {
      this.phase = { name: 'idle' };
      this.notice = this.t.passkeyAdded;
      await this.refresh();
    }
  }

  private async rename(e: Event, credential: WebAuthnCredentialResponse) {
    e.preventDefault();
    const name = this.fieldValue('#passkey-name');
    if (this.busy || !name) return;
    this.busy = true;
    this.error = null;
    try {
      await this.client.renameWebauthnCredential(credential.credentialId, name);
      this.phase = { name: 'idle' };
      this.notice = this.t.passkeyRenamed;
      this.dispatchEvent(new MfaCredentialChangeEvent('renamed', { ...credential, name }));
      await this.refresh();
    } catch (err) {
      this.error = toApiError(err);
      this.reportError(this.error);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Forgets one remembered device, or all (`null`), and moves focus to the Forget of the
   * device now in its place, else the one before, else the section's heading.
   */
  private async forget(device: RememberedDeviceResponse | null, index = 0) {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.notice = '';
    try {
      await (device ? this.client.forgetDevice(device.deviceId) : this.client.forgetAllDevices());
      this.notice = device ? this.t.deviceForgotten : this.t.devicesForgotten;
      this.dispatchEvent(new MfaDeviceForgottenEvent(device?.deviceId ?? null));
      await this.devices.reload({ quiet: true });
    } catch (err) {
      this.error = toApiError(err);
      this.reportError(this.error);
    } finally {
      this.busy = false;
    }
    await this.updateComplete;
    const forgets = [...this.renderRoot.querySelectorAll<HTMLElement>('[part=devices] button')];
    (
      forgets[index] ??
      forgets[index - 1] ??
      this.renderRoot.querySelector<HTMLElement>('#devices-title')
    )?.focus();
  }

  private renderDevices(me: MeResponse) {
    const t = this.t;
    const load = this.devices.value;
    const devices = load.status === 'ready' ? load.data.devices : [];
    if (!devices.length && !me.rememberDeviceDays) return nothing;
    return html`<section class="devices" aria-labelledby="devices-title">
      <h3 id="devices-title" tabindex="-1">${t.devicesTitle}</h3>
      ${
        devices.length
          ? html`<ul part="devices" class="passkey-list">
              ${devices.map(
                (d, i) => html`<li>
                  <div class="passkey-info">
                    <span class="passkey-name">${d.label}</span>
                    ${d.current ? html`<span class="badge">${t.thisDevice}</span>` : nothing}
                    <span class="muted passkey-dates">${t.deviceDates(this.formatDate(d.createdAt), d.lastUsedAt ? this.formatDate(d.lastUsedAt) : null)}</span>
                  </div>
                  <button type="button" ?disabled=${this.busy} aria-label="${t.forget}: ${d.label}" @click=${() => this.forget(d, i)}>${t.forget}</button>
                </li>`,
              )}
            </ul>
            <button type="button" ?disabled=${this.busy} @click=${() => this.forget(null)}>${t.forgetAll}</button>`
          : load.status === 'ready'
            ? html`<p>${t.devicesNone}</p>`
            : // Loading, or the list could not be read: never "none" for a list not read.
              this.renderPending(this.devices)
      }
    </section>`;
  }

  private fieldValue(selector: string): string {
    return (this.renderRoot.querySelector<HTMLInputElement>(selector)?.value ?? '').trim();
  }

  private async confirm(e: Event) {
    e.preventDefault();
    if (this.busy || this.phase.name !== 'setup') return;
    const code = (this.codeField?.value ?? '').replace(/\D/g, '');
    if (code.length !== 6) {
      this.error = null;
      this.notice = '';
      this.codeField?.focus();
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      const [{ recoveryCodes }] = await Promise.all([this.client.confirmTotp(code), this.loadPanels()]);
      this.dispatchEvent(new MfaEnrolledEvent());
      if (!recoveryCodes) {
        // Beside a passkey: the recovery codes the user saved stay as they are.
        this.phase = { name: 'idle' };
        this.notice = this.t.appAdded;
        await this.refresh();
        return;
      }
      this.phase = { name: 'codes', codes: recoveryCodes, saved: false, enrolled: true };
      this.dispatchEvent(new MfaRecoveryCodesEvent(recoveryCodes.length));
      await this.focusSoon('#codes-title');
      // The status above the codes says at once that the app is set up.
      await this.refreshStatus();
    } catch (err) {
      const error = toApiError(err);
      this.error = error;
      if (this.codeField) this.codeField.value = '';
      this.reportError(error);
      if (error.code === 'not_enrolled') this.phase = { name: 'idle' };
    } finally {
      this.busy = false;
    }
  }

  private async finishCodes() {
    // The codes leave the page once the user says they saved them.
    this.phase = { name: 'idle' };
    await this.refresh();
    await this.focusSoon('button.primary, button');
  }

  private messageText(): string {
    const error = this.error;
    if (!error) return this.notice;
    if (error.code === 'mfa_required_by_policy') {
      return this.t.requiredByPolicy(error.accounts.map((a) => a.accountName).join(', '));
    }
    if (error.code === 'invalid_code' && error.attemptsLeft !== undefined && error.attemptsLeft > 0) {
      return this.t.attemptsLeft(error.attemptsLeft);
    }
    return this.message(error);
  }

  /** An account that requires MFA, with its deadline, or that it has passed. */
  private requiredByText(account: string, deadline: string | null): string {
    if (!deadline) return this.t.requiredByEntry(account, null);
    const date = this.formatDate(deadline);
    return Date.parse(deadline) <= Date.now()
      ? this.t.requiredByOverdue(account, date)
      : this.t.requiredByEntry(account, date);
  }

  private renderRequiredBy(me: MeResponse) {
    const t = this.t;
    return html`
      <section class="required" aria-labelledby="required-title">
        <h3 id="required-title">${t.requiredByTitle}</h3>
        ${
          me.requiredBy.length === 0
            ? html`<p class="muted">${t.requiredByNone}</p>`
            : html`<ul>
              ${me.requiredBy.map(
                (r) => html`<li>
                  ${this.requiredByText(r.accountName, r.deadline)}
                  ${r.accepts?.includes('totp') === false ? html`<span class="muted">${t.requiredByPasskey(r.accountName)}</span>` : nothing}
                </li>`,
              )}
            </ul>`
        }
      </section>
    `;
  }

  private cancelPhase() {
    this.phase = { name: 'idle' };
    this.error = null;
    void this.focusSoon('button.primary, button');
  }

  /** The name field of a new or renamed passkey, with Save or Continue and Cancel. */
  private renderNameForm(submitLabel: string, value: string, onSubmit: (e: Event) => void) {
    const t = this.t;
    return html`<form class="panel" @submit=${onSubmit} novalidate>
      <label for="passkey-name">${t.passkeyName}</label>
      <input id="passkey-name" type="text" maxlength="64" required .value=${value} aria-describedby="passkey-name-hint" />
      <p id="passkey-name-hint" class="muted">${t.passkeyNameHint}</p>
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>${submitLabel}</button>
        <button type="button" @click=${() => this.cancelPhase()} ?disabled=${this.busy}>${t.cancel}</button>
      </div>
    </form>`;
  }

  private renderPasskey(credential: WebAuthnCredentialResponse) {
    const t = this.t;
    const phase = this.phase;
    const here = (name: string) =>
      phase.name === name &&
      'credential' in phase &&
      phase.credential.credentialId === credential.credentialId;
    if (here('rename-passkey')) {
      return html`<li>${this.renderNameForm(t.save, credential.name, (e) => void this.rename(e, credential))}</li>`;
    }
    return html`<li>
      <div class="passkey-info">
        <span class="passkey-name">${credential.name}</span>
        ${credential.backedUp ? html`<span class="badge">${t.passkeySynced}</span>` : nothing}
        <span class="muted passkey-dates">
          ${t.passkeyDates(this.formatDate(credential.createdAt), credential.lastUsedAt ? this.formatDate(credential.lastUsedAt) : null)}
        </span>
      </div>
      ${
        here('confirm-remove-passkey')
          ? html`<p>${t.removePasskeyConfirm(credential.name)}</p>
            <div class="actions">
              <button class="danger" type="button" ?disabled=${this.busy} @click=${() => this.run({ name: 'remove-passkey', credential })}>
                ${t.removePasskeyYes}
              </button>
              <button type="button" @click=${() => this.cancelPhase()}>${t.cancel}</button>
            </div>`
          : html`<div class="actions">
            <button type="button" ?disabled=${this.busy} aria-label=${t.renamePasskey(credential.name)} @click=${() => this.openPhase({ name: 'rename-passkey', credential }, '#passkey-name')}>
              ${t.rename}
            </button>
            <button type="button" ?disabled=${this.busy} aria-label=${t.removePasskey(credential.name)} @click=${() => this.openPhase({ name: 'confirm-remove-passkey', credential }, 'li button.danger')}>
              ${t.removeOne}
            </button>
          </div>`
      }
    </li>`;
  }

  private openPhase(phase: Phase, focus: string) {
    this.phase = phase;
    this.error = null;
    this.notice = '';
    void this.focusSoon(focus);
  }

  private renderPasskeys(me: MeResponse) {
    const t = this.t;
    const passkeys = passkeysOf(me);
    const supported = webauthnSupported();
    const naming = this.phase.name === 'name-passkey';
    // An account that accepts only passkeys asks for one: then adding one is the thing to do.
    const asked = passkeys.length === 0 && me.requiredBy.some((r) => r.accepts?.includes('totp') === false);
    return html`<section class="passkeys" aria-labelledby="passkeys-title">
      <h3 id="passkeys-title">${t.passkeysTitle}</h3>
      <p class="muted">${t.passkeysHint}</p>
      ${
        passkeys.length
          ? html`<ul part="passkeys" class="passkey-list">${passkeys.map((c) => this.renderPasskey(c))}</ul>`
          : html`<p>${t.passkeysNone}</p>`
      }
      ${
        !supported
          ? html`<p class="outdated" role="note">${t.passkeysUnsupported}</p>`
          : naming
            ? this.renderNameForm(t.continue, t.passkeyDefaultName, (e) => {
                e.preventDefault();
                const label = this.fieldValue('#passkey-name');
                if (label) void this.run({ name: 'add-passkey', label });
              })
            : html`<div class="actions">
              <button
                type="button"
                class=${asked ? 'primary' : ''}
                ?disabled=${this.busy || this.phase.name !== 'idle'}
                @click=${() => this.openPhase({ name: 'name-passkey' }, '#passkey-name')}
              >
                ${t.addPasskey}
              </button>
            </div>`
      }
    </section>`;
  }

  private renderBody(me: MeResponse) {
    const t = this.t;
    const phase = this.phase;
    switch (phase.name) {
      case 'setup':
        return this.panels?.renderSetup(this.panelHost, phase.setup, (e) => void this.confirm(e));
      case 'codes':
        return this.panels?.renderCodes(
          this.panelHost,
          phase.codes,
          phase.saved,
          (saved) => {
            this.phase = { ...phase, saved };
          },
          () => void this.finishCodes(),
        );
      case 'step-up':
        return html`<div class="panel">
          ${this.renderStepUp(() => void this.run(phase.action))}
          <div class="actions"><button type="button" @click=${() => this.cancelPhase()}>${t.cancel}</button></div>
        </div>`;
      case 'confirm-remove':
        return html`<div class="actions">
          <button class="danger" type="button" ?disabled=${this.busy} @click=${() => this.run('remove')}>${t.removeConfirm}</button>
          <button type="button" @click=${() => this.cancelPhase()}>${t.cancel}</button>
        </div>`;
      default: {
        const regenerate = html`<button type="button" ?disabled=${this.busy} @click=${() => this.run('regenerate')}>${t.regenerate}</button>`;
        return hasApp(me)
          ? html`<div class="actions">
              ${regenerate}
              <button type="button" ?disabled=${this.busy} @click=${() => this.run('setup')}>${t.replace}</button>
              <button
                type="button"
                ?disabled=${this.busy}
                @click=${() => this.openPhase({ name: 'confirm-remove' }, 'button.danger')}
              >
                ${t.remove}
              </button>
            </div>`
          : html`<div class="actions">
              <button class="primary" type="button" ?disabled=${this.busy} @click=${() => this.run('setup')}>${t.setUp}</button>
              ${me.enrolled ? regenerate : nothing}
            </div>`;
      }
    }
  }

  override render() {
    const t = this.t;
    const load = this.me.value;
    if (load.status !== 'ready') return this.renderPending(this.me);
    const me = load.data;
    const app = me.factors.find((f) => f.type === 'totp');
    return html`
      <section part="base" aria-labelledby="title">
        <h2 id="title">${t.enrollTitle}</h2>
        <p class="status">
          ${app ? t.statusOn(this.formatDate(app.createdAt)) : t.statusOff}
          ${me.enrolled ? html`<span class="muted">${t.recoveryCodesLeft(me.recoveryCodesRemaining)}</span>` : nothing}
        </p>
        ${me.enrolled && me.recoveryCodesOutdated ? html`<p class="outdated">${t.recoveryCodesOutdated}</p>` : nothing}
        ${this.renderBody(me)}
        ${this.renderPasskeys(me)}
        ${this.renderDevices(me)}
        <p id="message" part="message" class=${this.error ? 'error' : 'success'} aria-live="polite">${this.messageText()}</p>
        ${this.renderRequiredBy(me)}
      </section>
    `;
  }
}

customElements.define('mfa-user-enroll', MfaUserEnroll);

declare global {
  interface HTMLElementTagNameMap {
    'mfa-user-enroll': MfaUserEnroll;
  }
}
