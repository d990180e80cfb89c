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
import { Announcer, focusAfterRender } from '../live.ts';
import { StepUp } from '../step-up.ts';
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
  | { name: 'step-up'; action: Action; accepts: readonly string[] };

/** Where an action's outcome is shown: the section of the control that started it. */
type Where = 'app' | 'passkeys' | 'devices';

/**
 * The one action under way, or how the last one ended, shown in its section beside the
 * control that started it (a success is also said once, politely, by the live region).
 */
type Act = { where: Where; busy?: true; error?: MfaApiError; note?: string };

/**
 * The panels that appear after the user acts (setup, codes, names, confirmations): loaded
 * once the profile shows, never before its first render, and shared by every instance.
 */
let panelsModule: typeof import('./panels.ts') | undefined;

/** What an account requiring MFA accepts (every method, from a server that does not say). */
const accepted = (r: { accepts?: readonly string[] }) => r.accepts ?? ['totp', 'webauthn'];
const hasApp = (me: MeResponse) => me.factors.some((f) => f.type === 'totp');
/** The focus after an action ends, by what it left on screen: the first of these found. */
const focusAfter: Record<string, string[]> = {
  setup: ['#code', '#set-up', '#replace-app'],
  regenerate: ['#codes-title', '#regenerate'],
  remove: ['#set-up', '#remove-app'],
  passkey: ['#codes-title', '#add-passkey', '#passkeys-title'],
};
const passkeysOf = (me: MeResponse) =>
  me.factors.flatMap((f) => (f.type === 'webauthn' ? [f as WebAuthnCredentialResponse] : []));

/**
 * The user's own MFA, for the profile's security page: status, setting up an
 * authenticator app (QR code and manual key, confirmed with a code), passkeys
 * and security keys (add with a name, rename, remove), recovery codes shown
 * once, regenerating them, removing MFA, the devices remembered to skip the
 * second step (each with **Forget**, and **Forget all devices**; shown when an
 * account of the user allows remembering or a device is remembered), and the
 * accounts that require MFA of the user with their deadlines. A user whom an account
 * requires to set up MFA is led to it first: which account, by when, and the method
 * recommended (a passkey where the browser can make one, else the app).
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
    userLabel: { attribute: 'user-label' },
    phase: { attribute: false },
    act: { attribute: false },
    top: { attribute: false },
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...enroll };

  /** The remembered devices, loaded again with the user's MFA state (a factor change forgets them). */
  private readonly devices = new Loader<RememberedDevicesResponse>(this, () => this.client.devices());
  private readonly me = new Loader<MeResponse>(
    this,
    () => this.client.me(),
    () => {
      void this.devices.reload({ quiet: true });
      // Loaded once the profile shows, so that the panels open at once when asked for.
      void this.loadPanels();
    },
  );
  /** The user's name or email, written above the recovery codes in their file and print (default: the user id). */
  userLabel = '';

  private phase: Phase = { name: 'idle' };
  private act: Act | null = null;
  /** Said at the top of the card: MFA is on. */
  private top = '';
  private readonly live = new Announcer(this);
  private readonly stepUp = new StepUp(this);

  private get busy(): boolean {
    return !!this.act?.busy;
  }

  private get codeField(): HTMLInputElement | null {
    return this.renderRoot.querySelector('#code');
  }
  /** The panels in this shadow root (their styles adopted), once loaded. */
  private panels: typeof import('./panels.ts') | undefined;

  /** The panels, at once when a page's element already loaded them. */
  private adoptPanels() {
    if (!this.panels && panelsModule) {
      this.panels = panelsModule;
      const root = this.renderRoot as ShadowRoot;
      const sheet = panelsModule.panelStyles.styleSheet;
      if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
    return this.panels;
  }

  private async loadPanels() {
    panelsModule ??= await import('./panels.ts');
    return this.adoptPanels() as typeof panelsModule;
  }

  /** What the panels use of this element. */
  private get panelHost(): PanelHost {
    const load = this.me.value;
    return {
      t: this.t,
      busy: this.busy,
      error: this.phase.name === 'setup' && this.act?.error ? this.messageText(this.act.error) : '',
      note: this.act?.note ?? '',
      user: this.userLabel || (load.status === 'ready' ? load.data.userId : ''),
      say: (text) => this.end('app', text),
      cancel: (focus) => this.cancelPhase(focus),
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

  private focusSoon(selector: string) {
    return focusAfterRender(this, ...selector.split(', '));
  }

  /** Starts an action in `where`: busy until `end` or `fail`, one at a time. */
  private begin(where: Where): boolean {
    if (this.busy) return false;
    this.act = { where, busy: true };
    this.top = '';
    return true;
  }

  /** Ends the action with `note` (said once, shown in its section), or quietly. */
  private end(where: Where, note = '') {
    this.act = note ? { where, note } : null;
    if (note) this.live.say(note);
  }

  /** Ends the action with its error, shown beside the control that started it, and reported. */
  private fail(where: Where, error: MfaApiError) {
    this.act = { where, error };
    this.reportError(error);
  }

  /**
   * Runs an action, then moves focus to what it brought (the setup's code field, the
   * codes, Set up after a removal …) or, after a failure, back to the control that started it.
   */
  private async run(action: Action) {
    const passkey = typeof action === 'object';
    const where = passkey ? 'passkeys' : 'app';
    if (!this.begin(where)) return;
    const key = passkey ? 'passkey' : action;
    try {
      if (passkey) {
        await this.runPasskey(action);
      } else if (action === 'setup') {
        const [setup, panels] = await Promise.all([this.client.setupTotp(), this.loadPanels()]);
        this.phase = { name: 'setup', setup: panels.showSetup(setup) };
        this.end(where);
      } else if (action === 'regenerate') {
        const [{ recoveryCodes }] = await Promise.all([
          this.client.regenerateRecoveryCodes(),
          this.loadPanels(),
        ]);
        this.phase = { name: 'codes', codes: recoveryCodes, saved: false, enrolled: false };
        this.end(where);
        this.dispatchEvent(new MfaRecoveryCodesEvent(recoveryCodes.length));
        await this.refreshStatus();
      } else {
        await this.client.removeTotp();
        this.phase = { name: 'idle' };
        this.dispatchEvent(new MfaUnenrolledEvent());
        await this.refresh();
        this.end(where, this.t.removed);
      }
    } catch (err) {
      if (err instanceof DOMException) {
        // The browser's dialog was closed or refused (an authenticator that already holds one: InvalidStateError).
        this.phase = { name: 'idle' };
        this.end(where, err.name === 'InvalidStateError' ? this.t.passkeyExists : this.t.passkeyCancelled);
      } else {
        const error = toApiError(err);
        if (error.code === 'step_up_required') {
          await this.loadPanels();
          this.end(where);
          this.phase = { name: 'step-up', action, accepts: this.stepUpAccepts(error) };
          await this.stepUp.focus();
          return;
        }
        if (action !== 'setup' && action !== 'regenerate') this.phase = { name: 'idle' };
        this.fail(where, error);
      }
    }
    await focusAfterRender(this, ...(focusAfter[key] ?? []));
  }

  /**
   * What the step-up accepts: the answer's `accepts`, and a recovery code unless the server
   * asked for a passkey because the user holds one and an account requires MFA of them
   * (then a recovery code, phishable, is no step-up for binding a factor).
   */
  private stepUpAccepts(error: MfaApiError): readonly string[] {
    const load = this.me.value;
    const required = load.status === 'ready' && load.data.requiredBy.length > 0;
    const passkeyOnly = error.accepts.length > 0 && !error.accepts.includes('totp');
    return !error.accepts.length
      ? ['totp', 'webauthn', 'recovery_code']
      : passkeyOnly && required
        ? error.accepts
        : [...error.accepts, 'recovery_code'];
  }

  /** Adds a passkey (the browser's dialog between the server's options and its check) or removes one. */
  private async runPasskey(action: Exclude<Action, string>) {
    if (action.name === 'remove-passkey') {
      await this.client.removeWebauthnCredential(action.credential.credentialId);
      this.phase = { name: 'idle' };
      this.dispatchEvent(new MfaCredentialChangeEvent('removed', action.credential));
      await this.refresh();
      this.end('passkeys', this.t.passkeyRemoved);
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
      this.end('passkeys');
      this.dispatchEvent(new MfaRecoveryCodesEvent(recoveryCodes.length));
      await this.refreshStatus();
    } else {
      this.phase = { name: 'idle' };
      await this.refresh();
      this.end('passkeys', this.t.passkeyAdded);
    }
  }

  private async rename(e: Event, credential: WebAuthnCredentialResponse) {
    e.preventDefault();
    const name = this.fieldValue('#passkey-name');
    if (!name || !this.begin('passkeys')) return;
    try {
      await this.client.renameWebauthnCredential(credential.credentialId, name);
      this.phase = { name: 'idle' };
      this.dispatchEvent(new MfaCredentialChangeEvent('renamed', { ...credential, name }));
      await this.refresh();
      this.end('passkeys', this.t.passkeyRenamed);
      await this.focusSoon('#add-passkey, #passkeys-title');
    } catch (err) {
      this.fail('passkeys', toApiError(err));
      await this.focusSoon('#passkey-name');
    }
  }

  /**
   * Forgets one remembered device, or all (`null`), and moves focus to the Forget of the
   * device now in its place, else the one before, else the section's heading.
   */
  private async forget(device: RememberedDeviceResponse | null, index = 0) {
    if (!this.begin('devices')) return;
    try {
      await (device ? this.client.forgetDevice(device.deviceId) : this.client.forgetAllDevices());
      this.dispatchEvent(new MfaDeviceForgottenEvent(device?.deviceId ?? null));
      await this.devices.reload({ quiet: true });
      this.end('devices', device ? this.t.deviceForgotten : this.t.devicesForgotten);
    } catch (err) {
      this.fail('devices', toApiError(err));
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
      ${this.renderNote('devices')}
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
      this.act = null;
      this.codeField?.focus();
      return;
    }
    if (!this.begin('app')) return;
    try {
      const [{ recoveryCodes }] = await Promise.all([this.client.confirmTotp(code), this.loadPanels()]);
      this.dispatchEvent(new MfaEnrolledEvent());
      if (!recoveryCodes) {
        // Beside a passkey: the recovery codes the user saved stay as they are.
        this.phase = { name: 'idle' };
        await this.refresh();
        this.end('app', this.t.appAdded);
        await this.focusSoon('#regenerate');
        return;
      }
      this.phase = { name: 'codes', codes: recoveryCodes, saved: false, enrolled: true };
      this.end('app');
      this.dispatchEvent(new MfaRecoveryCodesEvent(recoveryCodes.length));
      // The status above the codes says at once that the app is set up.
      await this.refreshStatus();
      await this.focusSoon('#codes-title');
    } catch (err) {
      const error = toApiError(err);
      const field = this.codeField;
      if (field) field.value = '';
      if (error.code === 'not_enrolled') this.phase = { name: 'idle' };
      this.fail('app', error);
      // Back to the field, marked invalid and described by the error beside it; said only where
      // focus stayed in the field (Enter), since moving focus there reads the error.
      if (field && (this.renderRoot as ShadowRoot).activeElement === field)
        this.live.say(this.messageText(error));
      await this.focusSoon('#code, #set-up');
    }
  }

  private async finishCodes(enrolled: boolean) {
    // The codes leave the page once the user says they saved them.
    this.phase = { name: 'idle' };
    await this.refresh();
    if (enrolled) {
      // Said where the user is: at the top of the card, where the codes were.
      this.top = this.t.mfaOn;
      this.live.say(this.top);
    }
    await this.focusSoon(enrolled ? '#title' : '#regenerate');
  }

  /** The outcome of the last action of `where`, beside its controls (id `message` for the app's). */
  private renderNote(where: Where) {
    const act = this.act?.where === where && !this.act.busy ? this.act : null;
    // The app's stays in place, empty until it says something (the setup panel has its own).
    if (where === 'app' ? this.phase.name === 'setup' : !act) return nothing;
    return html`<p id=${where === 'app' ? 'message' : `${where}-message`} part="message" class=${act?.error ? 'error' : 'success'}>${
      act?.error ? this.messageText(act.error) : act?.note
    }</p>`;
  }

  /**
   * `extra` and the error of `where`, for the aria-describedby of a control that focus returns
   * to after a failure (a success is said by the live region instead: once).
   */
  private describedBy(where: Where, extra = '') {
    const shown = this.act?.where === where && !!this.act.error;
    const id = shown ? (where === 'app' ? 'message' : `${where}-message`) : '';
    return [extra, id].filter(Boolean).join(' ') || nothing;
  }

  private messageText(error: MfaApiError): string {
    if (error.code === 'mfa_required_by_policy') {
      return this.t.requiredByPolicy(error.accounts.map((a) => a.accountName).join(', '));
    }
    if (error.code === 'invalid_code' && error.attemptsLeft !== undefined && error.attemptsLeft > 0) {
      return this.t.attemptsLeft(error.attemptsLeft);
    }
    return this.message(error);
  }

  /** An account that requires MFA, with its deadline, or that it has passed. */
  private requiredByText(account: string, deadline: string | null, resetAt: string | null): string {
    // A reset left no grace period: the reset's day, not "the grace period ended".
    if (resetAt) return this.t.requiredByReset(account, this.formatDate(resetAt));
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
                  ${this.requiredByText(r.accountName, r.deadline, r.resetAt)}
                  ${!accepted(r).includes('totp') ? html`<span class="muted">${t.requiredByPasskey(r.accountName)}</span>` : nothing}
                </li>`,
              )}
            </ul>`
        }
      </section>
    `;
  }

  /** Back to the profile, with focus on `focus` (the control that opened what is closed). */
  private cancelPhase(focus: string) {
    this.phase = { name: 'idle' };
    this.act = null;
    void this.focusSoon(focus);
  }

  private renderPasskey(credential: WebAuthnCredentialResponse) {
    const t = this.t;
    const phase = this.phase;
    const here = (name: string) =>
      phase.name === name &&
      'credential' in phase &&
      phase.credential.credentialId === credential.credentialId;
    if (here('rename-passkey')) {
      return html`<li>${this.panels?.renderNameForm(this.panelHost, credential.name, (e) => void this.rename(e, credential))}</li>`;
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
              <button type="button" @click=${() => this.cancelPhase('#add-passkey, #passkeys-title')}>${t.cancel}</button>
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

  /** Opens `phase` (its panel loaded first, where it is not yet) and focuses `focus` in it. */
  private async openPhase(phase: Phase, focus: string) {
    if (!this.adoptPanels()) await this.loadPanels();
    this.phase = phase;
    this.act = null;
    this.top = '';
    void this.focusSoon(focus);
  }

  /** The inline step-up for `phase`'s action, in the section of that action, with Cancel. */
  private renderPhaseStepUp(phase: Extract<Phase, { name: 'step-up' }>, back: string) {
    const action = phase.action;
    const name = typeof action === 'object' ? action.name : action;
    return html`<div class="panel">
      ${this.stepUp.render(() => void this.run(action), this.panels?.words(this.panelHost).stepUpFor[name] ?? this.t.stepUp, '', phase.accepts)}
      <div class="actions"><button type="button" @click=${() => this.cancelPhase(back)}>${this.t.cancel}</button></div>
    </div>`;
  }

  /**
   * What the user must do first, when an account requires MFA that they do not hold yet
   * (or hold only as an app where passkeys are required): which account, by when (now,
   * once the date has passed), and the method recommended.
   */
  private lead(me: MeResponse) {
    const t = this.t;
    const held: string[] = me.factors.map((f) => f.type);
    const unmet = me.requiredBy.filter((r) => !accepted(r).some((m) => held.includes(m)));
    const passkeyOnly = unmet.some((r) => !accepted(r).includes('totp'));
    const recommend: 'passkey' | 'app' | '' = !unmet.length
      ? ''
      : passkeyOnly || webauthnSupported()
        ? 'passkey'
        : 'app';
    const lines = unmet.map((r) => {
      const date = r.deadline && Date.parse(r.deadline) > Date.now() ? this.formatDate(r.deadline) : null;
      return accepted(r).includes('totp')
        ? t.requiredLead(r.accountName, date)
        : t.requiredLeadPasskey(r.accountName, date);
    });
    const template = unmet.length
      ? html`<div class="lead">
          ${lines.map((line) => html`<p>${line}</p>`)}
          ${passkeyOnly ? nothing : html`<p>${recommend === 'passkey' ? t.recommendPasskey : t.recommendApp}</p>`}
        </div>`
      : nothing;
    return { template, recommend };
  }

  private renderPasskeys(me: MeResponse, recommended: boolean) {
    const t = this.t;
    const phase = this.phase;
    const passkeys = passkeysOf(me);
    const supported = webauthnSupported();
    const naming = phase.name === 'name-passkey';
    const stepUp = phase.name === 'step-up' && typeof phase.action === 'object' ? phase : null;
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
          : stepUp
            ? this.renderPhaseStepUp(stepUp, '#add-passkey')
            : naming
              ? this.panels?.renderNameForm(this.panelHost, '', (e) => {
                  e.preventDefault();
                  const label = this.fieldValue('#passkey-name');
                  if (label) void this.run({ name: 'add-passkey', label });
                })
              : html`<div class="actions">
              <button
                id="add-passkey"
                type="button"
                class=${recommended ? 'primary' : ''}
                ?disabled=${this.busy || phase.name !== 'idle'}
                aria-describedby=${this.describedBy('passkeys')}
                @click=${() => this.openPhase({ name: 'name-passkey' }, '#passkey-name')}
              >
                ${t.addPasskey}
              </button>
            </div>`
      }
      ${this.renderNote('passkeys')}
    </section>`;
  }

  private renderBody(me: MeResponse, recommend: string) {
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
          () => void this.finishCodes(phase.enrolled),
        );
      case 'confirm-remove': {
        const passkeys = passkeysOf(me).length;
        return this.panels?.renderConfirmRemove(
          this.panelHost,
          passkeys,
          (passkeys ? [] : me.requiredBy.filter((r) => accepted(r).includes('totp'))).map(
            (r) => r.accountName,
          ),
          () => void this.run('remove'),
          () => this.cancelPhase('#remove-app'),
        );
      }
    }
    if (phase.name === 'step-up' && typeof phase.action === 'string') {
      return this.renderPhaseStepUp(phase, '#regenerate, #set-up, #remove-app');
    }
    const regenerate = html`<button id="regenerate" type="button" ?disabled=${this.busy} aria-describedby=${this.describedBy('app')} @click=${() => this.run('regenerate')}>${t.regenerate}</button>`;
    return hasApp(me)
      ? html`<div class="actions">
          ${regenerate}
          <button id="replace-app" type="button" ?disabled=${this.busy} aria-describedby=${this.describedBy('app')} @click=${() => this.run('setup')}>${t.replace}</button>
          <button
            id="remove-app"
            type="button"
            ?disabled=${this.busy}
            aria-describedby=${this.describedBy('app')}
            @click=${() => this.openPhase({ name: 'confirm-remove' }, 'button.danger')}
          >
            ${t.remove}
          </button>
        </div>`
      : html`<div class="actions">
          <button
            id="set-up"
            class=${recommend === 'passkey' ? '' : 'primary'}
            type="button"
            ?disabled=${this.busy}
            aria-describedby=${this.describedBy('app', 'app-status')}
            @click=${() => this.run('setup')}
          >${t.setUp}</button>
          ${me.enrolled ? regenerate : nothing}
        </div>`;
  }

  override render() {
    const t = this.t;
    const load = this.me.value;
    if (load.status !== 'ready') return this.renderPending(this.me);
    const me = load.data;
    const app = me.factors.find((f) => f.type === 'totp');
    const lead = this.lead(me);
    return html`
      <section part="base" aria-labelledby="title">
        <h2 id="title" tabindex="-1">${t.enrollTitle}</h2>
        ${this.top ? html`<p class="success">${this.top}</p>` : nothing}
        ${lead.template}
        <p class="status">
          <span id="app-status">${app ? t.statusOn(this.formatDate(app.createdAt)) : t.statusOff}</span>
          ${me.enrolled ? html`<span class="muted">${t.recoveryCodesLeft(me.recoveryCodesRemaining)}</span>` : nothing}
        </p>
        ${me.enrolled && me.recoveryCodesOutdated ? html`<p class="outdated">${t.recoveryCodesOutdated}</p>` : nothing}
        ${this.renderBody(me, lead.recommend)}
        ${this.renderNote('app')}
        ${this.renderPasskeys(me, lead.recommend === 'passkey' && passkeysOf(me).length === 0)}
        ${this.renderDevices(me)}
        ${this.renderRequiredBy(me)}
        ${this.live.render()}
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
