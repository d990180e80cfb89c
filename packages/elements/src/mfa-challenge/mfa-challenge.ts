import type { ChallengeResponse } from '@mfakit/server-sdk';
import type { FactorMethod } from '@mfakit/server-sdk/model';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { MfaElement, toApiError } from '../base.ts';
import type { MfaApiError } from '../client.ts';
import { codeInput } from '../code-input.ts';
import { MfaVerifiedEvent } from '../events.ts';
import { Announcer } from '../live.ts';
import { challenge } from '../strings/en-challenge.ts';
import { common } from '../strings/en-common.ts';
import { tokens } from '../styles/shared.ts';
import { webauthnSupported } from '../webauthn-support.ts';
import { styles } from './mfa-challenge.styles.ts';

type Mode = 'passkey' | 'code' | 'recovery';

/**
 * A second-factor prompt: **Use a passkey** first when the user has one, a
 * 6-digit code from the authenticator app, or a recovery code instead. With
 * `account-id`, it offers only what that account accepts: an account that
 * accepts only phishing-resistant methods gets the passkey, or a recovery code.
 * Shows attempts left and the wait after too many: the countdown ticks on the screen,
 * while its start and its end are each said once, politely; the code field is read-only
 * until the end, then focused. A wait still running when the page loads (`lockedUntil`
 * of `GET /me`) is shown at once. When the challenge is the page's main content (not
 * `no-heading`) and nothing else has focus, the code field (or **Use a passkey**) takes
 * focus when the methods are known. When an account of the user
 * lets devices be remembered, it offers "Remember this device for N days"
 * (not in a step-up, nor inside another element's step-up: `no-heading`).
 *
 * With `step-up`, it asks for a fresh verification before a sensitive action of
 * the host's, even in a session already verified, and says why in its heading
 * ("Confirm it's you to change payout details", from `reason`). On success it
 * fires `mfa-verified`, for the host to retry the action, and returns to its
 * form, ready for the next one (an app code is taken once: the next needs the
 * app's next code).
 *
 * @summary Verify the session with a passkey, an authentication code or a recovery code.
 * @fires mfa-verified - The session is verified; `event.result` has `verifiedAt` and `recoveryCodesRemaining`.
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The form.
 * @csspart input - The code input.
 * @csspart button - The Verify button.
 * @csspart remember - The "Remember this device" checkbox's label.
 * @csspart message - The errors and the wait, beside the field that they describe.
 * @cssprop --mfa-accent - The colour of the primary button and links.
 * @cssprop --mfa-danger - The colour of errors.
 * @cssprop --mfa-font - The font shorthand.
 * @cssprop --mfa-radius - The corner radius.
 */
export class MfaChallenge extends MfaElement {
  static override properties: PropertyDeclarations = {
    noHeading: { type: Boolean, attribute: 'no-heading' },
    accountId: { attribute: 'account-id' },
    stepUp: { type: Boolean, attribute: 'step-up' },
    reason: {},
    accepts: { attribute: false },
    mode: { attribute: false },
    offered: { attribute: false },
    passkeyError: { attribute: false },
    busy: { attribute: false },
    error: { attribute: false },
    waitUntil: { attribute: false },
    remainingWait: { attribute: false },
    done: { attribute: false },
    rememberDays: { attribute: false },
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...challenge };

  /** Whether a heading is shown above the form. */
  noHeading = false;

  /** The account the verification is for: only the methods it accepts are offered. */
  accountId = '';

  /** A fresh verification for a sensitive action of the host's: the heading says why, and the form stays for the next one. */
  stepUp = false;

  /** With `step-up`, the action in the page's language that ends the heading: "change payout details" → "Confirm it's you to change payout details". */
  reason = '';

  /**
   * What a step-up accepts (the `accepts` of its `step_up_required` answer, with
   * `recovery_code` where a recovery code is enough); unset, what the account accepts.
   */
  accepts: readonly string[] | null | undefined = null;

  private readonly live = new Announcer(this);
  private mode: Mode = 'code';
  /** What the user has and the account accepts; until known, the code (as for every user before passkeys). */
  private offered: FactorMethod[] = ['totp'];
  /** A failure of the browser's passkey dialog, which is not the server's. */
  private passkeyError = '';
  private chosen = false;
  private busy = false;
  private error: MfaApiError | null = null;
  private waitUntil = 0;
  private remainingWait = 0;
  private done: ChallengeResponse | null = null;
  /** The days "Remember this device" offers (0: no account of the user allows it). */
  private rememberDays = 0;

  private get input(): HTMLInputElement | null {
    return this.renderRoot.querySelector('#code');
  }
  private timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadMethods().then(async () => {
      // The page's main content: where the user starts typing, unless they already chose where.
      const active = document.activeElement;
      if (this.noHeading || (active && active !== document.body)) return;
      await this.updateComplete;
      this.focus();
    });
  }

  /** A recovery code is offered: everywhere but a step-up that accepts something else only. */
  private get recoveryOffered(): boolean {
    return !this.accepts || this.accepts.includes('recovery_code');
  }

  /** Which methods to offer: the user's factors (`/me`) that the account accepts (`/access`). */
  private async loadMethods() {
    const [me, access] = await Promise.all([
      this.client.me().catch(() => null),
      this.accountId && !this.accepts ? this.client.getAccess(this.accountId).catch(() => null) : null,
    ]);
    if (!me) return;
    this.rememberDays = me.rememberDeviceDays ?? 0;
    // A wait still running when the page loads is shown at once, not at the next try.
    const locked = me.lockedUntil ? Date.parse(me.lockedUntil) - Date.now() : 0;
    if (locked > 0 && !this.remainingWait) this.startWait(Math.ceil(locked / 1000));
    const has = new Set(me.factors.map((f) => f.type));
    const accepts = this.accepts ?? access?.accepts ?? ['totp', 'webauthn'];
    const offered = (['webauthn', 'totp'] as const).filter((m) => has.has(m) && accepts.includes(m));
    if (offered.length === 0) return;
    this.offered = offered;
    if (!this.chosen && this.mode !== 'recovery') this.mode = offered[0] === 'webauthn' ? 'passkey' : 'code';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  /** Moves focus to the code input, or to **Use a passkey**. */
  override focus(): void {
    (this.input ?? this.renderRoot.querySelector<HTMLElement>('button.primary'))?.focus();
  }

  /**
   * A wait of `seconds`: the visible countdown ticks each second; the live region says
   * the wait and the way out once now, and once more when it is over.
   */
  private startWait(seconds: number) {
    const t = this.t;
    this.waitUntil = Date.now() + seconds * 1000;
    this.remainingWait = seconds;
    this.live.say(
      `${seconds < 60 ? t.waitSeconds(seconds) : t.waitMinutes(Math.ceil(seconds / 60))} ${t.lockedHelp}`,
    );
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.remainingWait = Math.max(0, Math.ceil((this.waitUntil - Date.now()) / 1000));
      if (this.remainingWait === 0) {
        clearInterval(this.timer);
        this.error = null;
        this.live.say(this.t.waitOver);
        void this.updateComplete.then(() => this.focus());
      }
    }, 1000);
  }

  private async submit(e: Event) {
    e.preventDefault();
    if (this.busy || this.remainingWait > 0) return;
    const value = this.input?.value.trim() ?? '';
    if (this.mode !== 'passkey' && !value) {
      this.input?.focus();
      return;
    }
    this.busy = true;
    this.error = null;
    this.passkeyError = '';
    try {
      const result = await this.client.challenge(
        this.mode === 'passkey'
          ? { webauthn: await this.passkey() }
          : this.mode === 'code'
            ? { code: value }
            : { recoveryCode: value },
        { rememberDevice: !!this.renderRoot.querySelector<HTMLInputElement>('#remember')?.checked },
      );
      if (!this.stepUp) this.done = result;
      if (this.input) this.input.value = '';
      this.dispatchEvent(new MfaVerifiedEvent(result));
    } catch (err) {
      if (err instanceof DOMException) {
        // The browser's dialog was closed, timed out or refused: nothing reached the server.
        this.passkeyError = this.t.passkeyCancelled;
      } else {
        const error = toApiError(err);
        this.error = error;
        if (error.recoveryCodeRequired) this.mode = 'recovery';
        // Said once: a wait with its end to come, or the error itself.
        // (Moving focus back to the field reads the error that describes it; where focus stayed, it is said.)
        if (error.retryAfterSeconds) this.startWait(error.retryAfterSeconds);
        else if (this.input && (this.renderRoot as ShadowRoot).activeElement === this.input)
          this.live.say(this.errorText());
        if (this.input) this.input.value = '';
        this.reportError(error);
      }
    } finally {
      this.busy = false;
      await this.updateComplete;
      this.focus();
    }
  }

  /** The browser's passkey dialog for the server's challenge (its conversions load with the first use). */
  private async passkey() {
    const [{ options }, { passkeyCeremony }] = await Promise.all([
      this.client.webauthnChallenge(),
      import('../webauthn.ts'),
    ]);
    return passkeyCeremony('get', options);
  }

  private switchTo(mode: Mode) {
    this.mode = mode;
    this.chosen = true;
    this.error = null;
    this.passkeyError = '';
    void this.updateComplete.then(() => this.focus());
  }

  private errorText(): string {
    const error = this.error;
    if (this.remainingWait > 0) return this.t.waitSeconds(this.remainingWait);
    if (!error) return this.passkeyError;
    if (error.recoveryCodeRequired) return this.t.recoveryCodeRequired;
    return this.message(error);
  }

  /** The other ways to verify, as links: a passkey, the app's code, a recovery code. */
  private renderSwitches() {
    const t = this.t;
    const ways: [Mode, string][] = [];
    if (this.mode !== 'passkey' && this.offered.includes('webauthn')) ways.push(['passkey', t.usePasskey]);
    if (this.mode !== 'code' && this.offered.includes('totp'))
      ways.push(['code', this.mode === 'passkey' ? t.useCode : t.useApp]);
    if (this.mode !== 'recovery' && this.recoveryOffered) ways.push(['recovery', t.useRecoveryCode]);
    return ways.map(
      ([mode, label]) =>
        html`<button class="link" type="button" @click=${() => this.switchTo(mode)} ?disabled=${this.busy}>${label}</button>`,
    );
  }

  private renderInput(waiting: boolean) {
    const t = this.t;
    const invalid = !!this.error && !waiting;
    if (this.mode === 'passkey') {
      const only = !this.offered.includes('totp') && !this.accepts;
      return html`<p id="hint" class="muted">
        ${webauthnSupported() ? (only ? t.passkeyOnly : t.passkeyHint) : t.passkeysUnsupported}
      </p>`;
    }
    const code = this.mode === 'code';
    return html`<label for="code">${code ? t.codeLabel : t.recoveryCodeLabel}</label>
      <p id="hint" class="muted">${code ? t.challengeHint : t.recoveryCodeHint}</p>
      ${
        code
          ? codeInput('code', 'hint message', invalid, waiting)
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
            aria-invalid=${invalid ? 'true' : nothing}
            ?readonly=${waiting}
            aria-disabled=${waiting ? 'true' : nothing}
          />`
      }`;
  }

  override render() {
    const t = this.t;
    if (this.done) {
      return html`<p class="success" role="status" part="message">${t.verified}</p>`;
    }
    const waiting = this.remainingWait > 0;
    const passkey = this.mode === 'passkey';
    return html`
      <form part="base" @submit=${this.submit} novalidate>
        ${this.noHeading ? nothing : html`<h2>${this.stepUp ? t.confirmTitle(this.reason) : t.challengeTitle}</h2>`}
        ${this.renderInput(waiting)}
        ${
          this.rememberDays > 0 && !this.noHeading && !this.stepUp
            ? html`<label part="remember" class="check"><input id="remember" type="checkbox" />${t.rememberThisDevice(this.rememberDays)}</label>`
            : nothing
        }
        <p id="message" class="error" part="message">${this.errorText()}${waiting ? html` ${t.lockedHelp}` : nothing}</p>
        ${this.live.render()}
        <div class="actions">
          <button
            class="primary"
            part="button"
            type="submit"
            ?disabled=${this.busy || waiting || (passkey && !webauthnSupported())}
            aria-busy=${this.busy ? 'true' : 'false'}
            aria-describedby=${passkey ? 'hint message' : nothing}
          >
            ${passkey ? t.usePasskey : t.verify}
          </button>
          ${this.renderSwitches()}
        </div>
      </form>
    `;
  }
}

customElements.define('mfa-challenge', MfaChallenge);

declare global {
  interface HTMLElementTagNameMap {
    'mfa-challenge': MfaChallenge;
  }
}
