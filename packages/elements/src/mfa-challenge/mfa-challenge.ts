import type { ChallengeResponse } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { MfaElement, toApiError } from '../base.ts';
import type { MfaApiError } from '../client.ts';
import { codeInput } from '../code-input.ts';
import { MfaVerifiedEvent } from '../events.ts';
import { tokens } from '../styles/shared.ts';
import { styles } from './mfa-challenge.styles.ts';

/**
 * A second-factor prompt: a 6-digit code from the authenticator app, or a
 * recovery code instead. Shows attempts left and the wait after too many.
 *
 * @summary Verify the session with an authentication code or a recovery code.
 * @fires mfa-verified - The session is verified; `event.result` has `verifiedAt` and `recoveryCodesRemaining`.
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The form.
 * @csspart input - The code input.
 * @csspart button - The Verify button.
 * @csspart message - The live region for errors and waits.
 * @cssprop --mfa-accent - The colour of the primary button and links.
 * @cssprop --mfa-danger - The colour of errors.
 * @cssprop --mfa-font - The font shorthand.
 * @cssprop --mfa-radius - The corner radius.
 */
@customElement('mfa-challenge')
export class MfaChallenge extends MfaElement {
  static override styles = [tokens, styles];

  /** Whether a heading is shown above the form. */
  @property({ type: Boolean, attribute: 'no-heading' }) noHeading = false;

  @state() private mode: 'code' | 'recovery' = 'code';
  @state() private busy = false;
  @state() private error: MfaApiError | null = null;
  @state() private waitUntil = 0;
  @state() private remainingWait = 0;
  @state() private done: ChallengeResponse | null = null;

  @query('input') private input!: HTMLInputElement;
  private timer: ReturnType<typeof setInterval> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  /** Moves focus to the code input. */
  override focus(): void {
    this.input?.focus();
  }

  private startWait(seconds: number) {
    this.waitUntil = Date.now() + seconds * 1000;
    this.remainingWait = seconds;
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.remainingWait = Math.max(0, Math.ceil((this.waitUntil - Date.now()) / 1000));
      if (this.remainingWait === 0) {
        clearInterval(this.timer);
        this.error = null;
      }
    }, 1000);
  }

  private async submit(e: Event) {
    e.preventDefault();
    if (this.busy || this.remainingWait > 0) return;
    const value = this.input.value.trim();
    if (!value) {
      this.input.focus();
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      const result = await this.client.challenge(
        this.mode === 'code' ? { code: value } : { recoveryCode: value },
      );
      this.done = result;
      this.input.value = '';
      this.dispatchEvent(new MfaVerifiedEvent(result));
    } catch (err) {
      const error = toApiError(err);
      this.error = error;
      if (error.code === 'too_many_attempts' && error.retryAfterSeconds)
        this.startWait(error.retryAfterSeconds);
      else if (error.retryAfterSeconds) this.startWait(error.retryAfterSeconds);
      if (error.recoveryCodeRequired) this.mode = 'recovery';
      this.input.value = '';
      this.reportError(error);
    } finally {
      this.busy = false;
      await this.updateComplete;
      this.input?.focus();
    }
  }

  private toggleMode() {
    this.mode = this.mode === 'code' ? 'recovery' : 'code';
    this.error = null;
    void this.updateComplete.then(() => this.input.focus());
  }

  private errorText(): string {
    const error = this.error;
    if (!error) return '';
    if (this.remainingWait > 0) return this.t.waitSeconds(this.remainingWait);
    if (error.recoveryCodeRequired) return this.t.recoveryCodeRequired;
    if (error.code === 'invalid_code' && error.attemptsLeft !== undefined && error.attemptsLeft > 0) {
      return this.t.attemptsLeft(error.attemptsLeft);
    }
    return this.message(error);
  }

  override render() {
    const t = this.t;
    if (this.done) {
      return html`<p class="success" role="status" part="message">${t.verified}</p>`;
    }
    const code = this.mode === 'code';
    const waiting = this.remainingWait > 0;
    return html`
      <form part="base" @submit=${this.submit} novalidate>
        ${this.noHeading ? nothing : html`<h2>${t.challengeTitle}</h2>`}
        <label for="code">${code ? t.codeLabel : t.recoveryCodeLabel}</label>
        <p id="hint" class="muted">${code ? t.challengeHint : t.recoveryCodeHint}</p>
        ${
          code
            ? codeInput('code', 'hint message')
            : html`<input
              id="code"
              part="input"
              type="text"
              name="recoveryCode"
              autocomplete="off"
              autocapitalize="none"
              maxlength="20"
              spellcheck="false"
              aria-describedby="hint message"
            />`
        }
        <p id="message" class="error" part="message" aria-live="assertive">${this.errorText()}</p>
        <div class="actions">
          <button class="primary" part="button" type="submit" ?disabled=${this.busy || waiting} aria-busy=${this.busy ? 'true' : 'false'}>
            ${t.verify}
          </button>
          <button class="link" type="button" @click=${this.toggleMode} ?disabled=${this.busy}>
            ${code ? t.useRecoveryCode : t.useApp}
          </button>
        </div>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mfa-challenge': MfaChallenge;
  }
}
