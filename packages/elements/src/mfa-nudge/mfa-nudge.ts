import type { NudgeResponse, NudgeSnoozeResponse } from '@mfakit/server-sdk';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { MfaErrorEvent } from '../events/mfa-error.ts';
import { MfaNudgeSnoozeEvent } from '../events/mfa-nudge-snooze.ts';
import { LocalizedElement } from '../localized-element.ts';
import { type MfaApiError, request } from '../request.ts';
import { nudge as words } from '../strings/en-nudge.ts';
import { theme } from '../styles/theme.ts';
import { webauthnSupported } from '../webauthn-support.ts';
import { styles } from './mfa-nudge.styles.ts';

type Nudge = NonNullable<NudgeResponse['nudge']>;

/** Whether this browser can make a passkey on this device (fingerprint, face or screen lock). */
async function platformPasskeys(): Promise<boolean> {
  if (!webauthnSupported()) return false;
  try {
    return (await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable?.()) === true;
  } catch {
    return false;
  }
}

/**
 * A small banner for a portal's home page that suggests, where nothing requires it yet, setting
 * up MFA (in an optional account, or before the account's start date, which it names), or, to a
 * user who verified with an app code on a browser that can make one here, adding a passkey
 * ("Sign in with your fingerprint or face next time"). Its link goes to `profile-url`. **Not
 * now** hides it for some days, at most three times (then it stays, without **Not now**); the
 * server remembers this per user. It shows nothing while there is nothing to suggest. It talks to `api-base`
 * directly, without the shared client, so that a page showing only the nudge stays small.
 *
 * @summary Suggests setting up MFA, or a passkey; dismissible.
 * @fires mfa-nudge-snooze - The user chose **Not now** (`kind`, `snoozedUntil`, `snoozesLeft`).
 * @fires mfa-error - A request failed (the nudge shows nothing then).
 * @csspart base - The banner.
 * @csspart message - The suggestion.
 * @csspart link - **Set up MFA** or **Add a passkey**.
 * @csspart dismiss - **Not now**.
 * @cssprop --mfa-accent - The link's background.
 * @cssprop --mfa-surface - The banner's background.
 * @cssprop --mfa-border - The banner's border.
 * @cssprop --mfa-font - The font shorthand.
 * @cssprop --mfa-radius - The corner radius.
 */
export class MfaNudge extends LocalizedElement {
  static override properties: PropertyDeclarations = {
    accountId: { attribute: 'account-id' },
    profileUrl: { attribute: 'profile-url' },
    nudge: { attribute: false },
  };
  static override styles = [theme, styles];
  protected override readonly defaults = words;

  /** The account whose policy the suggestion follows (optional: then the user's own MFA only). */
  accountId = '';
  /** Where the user sets up MFA or adds a passkey (their profile): the banner's link. */
  profileUrl = '';

  private nudge: Nudge | null = null;
  private serial = 0;

  override updated(changed: PropertyValues): void {
    if (changed.has('apiBase') || changed.has('accountId')) void this.load();
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return request((...args) => fetch(...args), method, `${this.apiBase.replace(/\/+$/, '')}${path}`, body);
  }

  /** Asks what to suggest now; a passkey only where this browser can make one on this device. */
  private async load() {
    const serial = ++this.serial;
    let nudge: Nudge | null = null;
    try {
      const query = this.accountId ? `?accountId=${encodeURIComponent(this.accountId)}` : '';
      nudge = (await this.call<NudgeResponse>('GET', `/me/nudge${query}`)).nudge;
      if (nudge?.kind === 'passkey' && !(await platformPasskeys())) nudge = null;
    } catch (error) {
      this.dispatchEvent(new MfaErrorEvent(error as MfaApiError));
    }
    if (serial === this.serial) this.nudge = nudge;
  }

  /** **Not now**: hidden at once; the server keeps it hidden for some days. */
  private async snooze() {
    const kind = this.nudge?.kind;
    if (!kind) return;
    this.serial++;
    this.nudge = null;
    try {
      const { snoozedUntil, snoozesLeft } = await this.call<NudgeSnoozeResponse>('POST', '/me/nudge/snooze', {
        kind,
      });
      this.dispatchEvent(new MfaNudgeSnoozeEvent(kind, snoozedUntil, snoozesLeft));
    } catch (error) {
      this.dispatchEvent(new MfaErrorEvent(error as MfaApiError));
    }
  }

  override render() {
    const nudge = this.nudge;
    if (!nudge) return nothing;
    const t = this.t;
    const passkey = nudge.kind === 'passkey';
    const text = passkey
      ? t.nudgePasskey
      : nudge.enforceFrom
        ? t.nudgeSetUpFrom(this.formatDate(nudge.enforceFrom))
        : t.nudgeSetUp;
    return html`<section part="base" aria-label=${t.nudgeLabel}><p part="message">${text}</p>${
      this.profileUrl
        ? html`<a part="link" href=${this.profileUrl}>${passkey ? t.addPasskey : t.nudgeSetUpLink}</a>`
        : nothing
    }${nudge.snoozesLeft > 0 ? html`<button part="dismiss" type="button" @click=${this.snooze}>${t.notNow}</button>` : nothing}</section>`;
  }
}

customElements.define('mfa-nudge', MfaNudge);

declare global {
  interface HTMLElementTagNameMap {
    'mfa-nudge': MfaNudge;
  }
}
