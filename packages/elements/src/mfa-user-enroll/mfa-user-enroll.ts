import type { MeResponse, TotpSetupResponse } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { Loader, MfaElement, toApiError } from '../base.ts';
import type { MfaApiError } from '../client.ts';
import { codeInput } from '../code-input.ts';
import { MfaEnrolledEvent, MfaRecoveryCodesEvent, MfaUnenrolledEvent } from '../events.ts';
import '../mfa-challenge/mfa-challenge.ts';
import { groupKey, safeOtpauthUri, safeQrDataUrl } from '../qr.ts';
import { tokens } from '../styles/shared.ts';
import { styles } from './mfa-user-enroll.styles.ts';

type Action = 'setup' | 'regenerate' | 'remove';

/**
 * Follows the `otpauth:` link through an anchor that is never part of the page,
 * so the setup key stays out of the page's attributes.
 */
function openLink(href: string): void {
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.click();
}

type Phase =
  | { name: 'idle' }
  | { name: 'setup'; setup: TotpSetupResponse; qr: string | null }
  | { name: 'codes'; codes: string[]; saved: boolean; enrolled: boolean }
  | { name: 'confirm-remove' }
  | { name: 'step-up'; action: Action };

/**
 * The user's own MFA, for the profile's security page: status, setting up an
 * authenticator app (QR code and manual key, confirmed with a code), recovery
 * codes shown once, regenerating them, removing MFA, and the accounts that
 * require MFA of the user with their deadlines.
 *
 * @summary Set up, review and remove the user's authenticator app.
 * @fires mfa-enrolled - The authenticator app is set up.
 * @fires mfa-unenrolled - MFA was removed.
 * @fires mfa-recovery-codes - New recovery codes are shown; `event.count` says how many.
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The section.
 * @csspart qr - The QR code image.
 * @csspart key - The manual setup key.
 * @csspart open-app - The button that opens an authenticator app on the same device.
 * @csspart input - The code input.
 * @csspart codes - The list of recovery codes.
 * @csspart message - The live region for errors and confirmations.
 * @cssprop --mfa-accent - The colour of primary buttons.
 * @cssprop --mfa-surface - The background of the setup and recovery-code panels.
 * @cssprop --mfa-font - The font shorthand.
 * @cssprop --mfa-radius - The corner radius.
 */
@customElement('mfa-user-enroll')
export class MfaUserEnroll extends MfaElement {
  static override styles = [tokens, styles];

  private readonly me = new Loader<MeResponse>(this, () => this.client.me());
  @state() private phase: Phase = { name: 'idle' };
  @state() private busy = false;
  @state() private error: MfaApiError | null = null;
  @state() private notice = '';

  @query('#code') private codeField?: HTMLInputElement;

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
      if (action === 'setup') {
        const setup = await this.client.setupTotp();
        this.phase = { name: 'setup', setup, qr: safeQrDataUrl(setup.qrSvg) };
        await this.focusSoon('#code');
      } else if (action === 'regenerate') {
        const { recoveryCodes } = await this.client.regenerateRecoveryCodes();
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
      const error = toApiError(err);
      if (error.code === 'step_up_required') {
        this.phase = { name: 'step-up', action };
        await this.focusSoon('mfa-challenge');
      } else {
        this.error = error;
        if (action === 'remove') this.phase = { name: 'idle' };
        this.reportError(error);
      }
    } finally {
      this.busy = false;
    }
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
      const { recoveryCodes } = await this.client.confirmTotp(code);
      this.phase = { name: 'codes', codes: recoveryCodes, saved: false, enrolled: true };
      this.dispatchEvent(new MfaEnrolledEvent());
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

  private codesText(codes: string[]): string {
    return `${this.t.recoveryCodesTitle}\n\n${codes.join('\n')}\n`;
  }

  private async copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      this.notice = this.t.copied;
    } catch {
      // Clipboard access can be refused; the text stays visible and selectable.
    }
  }

  private download(codes: string[]) {
    const url = URL.createObjectURL(new Blob([this.codesText(codes)], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'recovery-codes.txt';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
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
                (r) => html`<li>${this.requiredByText(r.accountName, me.enrolled ? null : r.deadline)}</li>`,
              )}
            </ul>`
        }
      </section>
    `;
  }

  private renderSetup(setup: TotpSetupResponse, qr: string | null) {
    const t = this.t;
    const link = safeOtpauthUri(setup.otpauthUri);
    return html`
      <div class="panel">
        <p>${t.scanQr}</p>
        <div class="qr-row">
          ${qr ? html`<img part="qr" class="qr" src=${qr} alt=${t.qrAlt} width="200" height="200" />` : nothing}
          <div>
            <span class="key-label" id="key-label">${t.manualKey}</span>
            <code part="key" class="key" aria-labelledby="key-label">${groupKey(setup.secret)}</code>
            <div class="actions">
              <button type="button" @click=${() => this.copy(setup.secret)}>${t.copy}</button>
            </div>
            ${
              link
                ? html`<button class="link" part="open-app" type="button" @click=${() => openLink(link)}>
                  ${t.openInApp}
                </button>`
                : nothing
            }
          </div>
        </div>
        <form @submit=${this.confirm} novalidate>
          <label for="code">${t.codeLabel}</label>
          ${codeInput()}
          <div class="actions">
            <button class="primary" type="submit" ?disabled=${this.busy}>${t.confirm}</button>
            <button type="button" @click=${() => this.cancelPhase()} ?disabled=${this.busy}>${t.cancel}</button>
          </div>
        </form>
      </div>
    `;
  }

  private cancelPhase() {
    this.phase = { name: 'idle' };
    this.error = null;
    void this.focusSoon('button.primary, button');
  }

  private renderCodes(phase: Extract<Phase, { name: 'codes' }>) {
    const t = this.t;
    return html`
      <div class="panel">
        <h3 id="codes-title" tabindex="-1">${t.recoveryCodesTitle}</h3>
        <p>${t.recoveryCodesHint}</p>
        <ol part="codes" class="codes">
          ${phase.codes.map((c) => html`<li><code>${c}</code></li>`)}
        </ol>
        <div class="actions">
          <button type="button" @click=${() => this.copy(phase.codes.join('\n'))}>${t.copy}</button>
          <button type="button" @click=${() => this.download(phase.codes)}>${t.download}</button>
        </div>
        <label class="check">
          <input
            type="checkbox"
            .checked=${phase.saved}
            @change=${(e: Event) => {
              this.phase = { ...phase, saved: (e.target as HTMLInputElement).checked };
            }}
          />
          ${t.savedCodes}
        </label>
        <div class="actions">
          <button class="primary" type="button" ?disabled=${!phase.saved} @click=${this.finishCodes}>${t.done}</button>
        </div>
      </div>
    `;
  }

  private renderBody(me: MeResponse) {
    const t = this.t;
    const phase = this.phase;
    switch (phase.name) {
      case 'setup':
        return this.renderSetup(phase.setup, phase.qr);
      case 'codes':
        return this.renderCodes(phase);
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
      default:
        return me.enrolled
          ? html`<div class="actions">
              <button type="button" ?disabled=${this.busy} @click=${() => this.run('regenerate')}>${t.regenerate}</button>
              <button type="button" ?disabled=${this.busy} @click=${() => this.run('setup')}>${t.replace}</button>
              <button
                type="button"
                ?disabled=${this.busy}
                @click=${() => {
                  this.phase = { name: 'confirm-remove' };
                  this.error = null;
                  void this.focusSoon('button.danger');
                }}
              >
                ${t.remove}
              </button>
            </div>`
          : html`<div class="actions">
              <button class="primary" type="button" ?disabled=${this.busy} @click=${() => this.run('setup')}>${t.setUp}</button>
            </div>`;
    }
  }

  override render() {
    const t = this.t;
    const load = this.me.value;
    if (load.status !== 'ready') return this.renderPending(this.me);
    const me = load.data;
    const factor = me.factors[0];
    return html`
      <section part="base" aria-labelledby="title">
        <h2 id="title">${t.enrollTitle}</h2>
        <p class="status">
          ${me.enrolled && factor ? t.statusOn(this.formatDate(factor.createdAt)) : t.statusOff}
          ${me.enrolled ? html`<span class="muted">${t.recoveryCodesLeft(me.recoveryCodesRemaining)}</span>` : nothing}
        </p>
        ${me.enrolled && me.recoveryCodesOutdated ? html`<p class="outdated">${t.recoveryCodesOutdated}</p>` : nothing}
        ${this.renderBody(me)}
        <p id="message" part="message" class=${this.error ? 'error' : 'success'} aria-live="polite">${this.messageText()}</p>
        ${this.renderRequiredBy(me)}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mfa-user-enroll': MfaUserEnroll;
  }
}
