import { html, type PropertyDeclarations } from 'lit';
import { MfaElement } from '../base.ts';
import { common } from '../strings/en-common.ts';
import { enroll } from '../strings/en-enroll.ts';
import { tokens } from '../styles/shared.ts';
import { renderApp, renderAppStatus } from './app.ts';
import { renderDevices } from './devices.ts';
import { styles } from './mfa-user-enroll.styles.ts';
import { renderPasskeys } from './passkeys.ts';
import { Profile } from './profile.ts';
import { lead, renderRequiredBy } from './required-by.ts';

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
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...enroll };

  /** The user's name or email, written above the recovery codes in their file and print (default: the user id). */
  userLabel = '';

  /** What the parts share: the phase, the one action state, the live region, the panels. */
  private readonly profile = new Profile(this, {
    t: () => this.t,
    client: () => this.client,
    date: (iso) => this.formatDate(iso),
    message: (error) => this.message(error),
    pending: (loader) => this.renderPending(loader),
    panels: () => import('./panels.ts'),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** Reloads the user's MFA state. */
  async refresh(): Promise<void> {
    await this.profile.me.reload();
  }

  override render() {
    const t = this.t;
    const load = this.profile.me.value;
    if (load.status !== 'ready') return this.renderPending(this.profile.me);
    const me = load.data;
    const profile = this.profile;
    const { act, phase } = profile;
    const { template, recommend } = lead(profile, me);
    const hasPasskey = me.factors.some((f) => f.type === 'webauthn');
    return html`
      <section part="base" aria-labelledby="title">
        <h2 id="title" tabindex="-1">${t.enrollTitle}</h2>
        ${act.note('top')}
        ${template}
        ${renderAppStatus(profile, me)}
        ${
          phase.name === 'codes'
            ? profile.panels?.renderCodes(profile, phase)
            : phase.name === 'step-up' && typeof phase.action === 'string'
              ? profile.renderStepUp(phase, '#regenerate, #set-up, #remove-app')
              : renderApp(profile, me, recommend)
        }
        ${act.note('app', phase.name === 'setup')}
        ${renderPasskeys(profile, me, recommend === 'passkey' && !hasPasskey)}
        ${renderDevices(profile, me)}
        ${renderRequiredBy(profile, me)}
        ${profile.live.render()}
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
