import type { AccessResponse, PolicyResponse } from '@mfakit/server-sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { Loader, MfaElement } from '../base.ts';
import type { MfaPolicyChangeEvent } from '../events.ts';
import { Announcer } from '../live.ts';
import { common } from '../strings/en-common.ts';
import { policy } from '../strings/en-policy.ts';
import { tokens } from '../styles/shared.ts';
import { styles } from './mfa-settings.styles.ts';

/**
 * The account's Multi-Factor Authentication section: the current policy and
 * the methods it accepts, the grace period of a requiring policy and its start date ("Required for
 * all users from Dec 11, 2026."; to a member without MFA also from when it requires MFA of them,
 * and by when, with a link to `profile-url`), the days members may skip the second step on a remembered device, who changed it and when, how many members have MFA
 * (or, under "Phishing-resistant only", a passkey or security key), whom the policy applies to on an SSO account, and for
 * administrators a Manage button that opens the policy manager in a modal dialog,
 * and below the policy the members' MFA (`<mfa-members>`) and the account's MFA
 * activity (`<mfa-audit-log>`), loaded only for administrators. "Policy saved." is said here,
 * once the dialog has closed.
 *
 * @summary Show an account's MFA policy; administrators manage it.
 * @fires mfa-policy-change - Re-dispatched from the dialog when the policy was saved.
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The section.
 * @csspart policy - The current policy's label and description.
 * @csspart manage - The Manage button.
 * @csspart dialog - The modal dialog.
 * @csspart notice - "Policy saved.", after a save.
 * @csspart pending - To a member without MFA, before the policy's start date: from when it requires MFA of them, and by when.
 * @csspart members - The members' MFA (administrators).
 * @csspart activity - The account's MFA activity (administrators).
 * @cssprop --mfa-accent - The colour of buttons and the selected policy.
 * @cssprop --mfa-caution-bg - The background of the SSO caution.
 * @cssprop --mfa-bg - The background of the dialog.
 * @cssprop --mfa-font - The font shorthand.
 * @cssprop --mfa-radius - The corner radius.
 */
export class MfaSettings extends MfaElement {
  static override properties: PropertyDeclarations = {
    accountId: { attribute: 'account-id' },
    profileUrl: { attribute: 'profile-url' },
    open: { attribute: false },
    saved: { attribute: false },
    access: { attribute: false },
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...policy };

  /** The account whose MFA settings are shown. */
  accountId = '';
  /** Where the signed-in user sets up MFA (their profile): the policy manager links it for an administrator without MFA. */
  profileUrl = '';

  private readonly policy = new Loader<PolicyResponse>(
    this,
    () => this.client.getPolicy(this.accountId),
    (policy) => void this.loadAccess(policy),
  );
  /** The viewer's own access while the policy's start date is ahead (it says when MFA starts for them). */
  private access: AccessResponse | null = null;
  private open = false;
  /** The policy was saved in the dialog, since it was last opened. */
  private saved = false;
  private readonly live = new Announcer(this);

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog') as HTMLDialogElement;
  }
  private get manageButton(): HTMLButtonElement | null {
    return this.renderRoot.querySelector('button.manage');
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('accountId') && this.accountId) void this.refresh();
    // Administrators also see the members and the activity: loaded only for them.
    const load = this.policy.value;
    if (load.status === 'ready' && load.data.canManage && !this.adminParts) {
      this.adminParts = Promise.all([
        import('../mfa-members/mfa-members.ts'),
        import('../mfa-audit-log/mfa-audit-log.ts'),
      ]);
    }
  }

  private adminParts: Promise<unknown> | undefined;

  /** Reloads the policy. */
  async refresh(): Promise<void> {
    await this.policy.reload();
  }

  /**
   * A policy with a start date ahead: whether it will require MFA of the viewer, and by when
   * (their `GET …/access` says `enforceFrom` when they have none it accepts).
   */
  private async loadAccess(policy: PolicyResponse) {
    this.access = null;
    if (!pending(policy)) return;
    const access = await this.client.getAccess(this.accountId).catch(() => null);
    if (this.policy.value.status === 'ready' && this.policy.value.data === policy) this.access = access;
  }

  private async openManager() {
    // The manager (and its step-up) loads when first opened: the settings page itself stays small.
    await import('../mfa-policy-manager/mfa-policy-manager.ts');
    this.open = true;
    this.saved = false;
    await this.updateComplete;
    // The manager loads the policy and then moves focus to the selected policy (`autofocus`).
    this.dialog.showModal();
  }

  private closeManager() {
    if (this.dialog?.open) this.dialog.close();
  }

  private onDialogClose() {
    this.open = false;
    this.manageButton?.focus();
  }

  private onPolicyChange(e: MfaPolicyChangeEvent) {
    this.policy.set(e.policy);
    void this.loadAccess(e.policy);
    this.closeManager();
    // Said here, where the user is once the dialog has closed (the manager says nothing then).
    this.saved = true;
    this.live.say(this.t.saved);
    // The members and the activity below load again by themselves (they hear the event).
  }

  override render() {
    const t = this.t;
    const load = this.policy.value;
    if (load.status !== 'ready') return this.renderPending(this.policy);
    const policy = load.data;
    const changed = policy.updatedAt
      ? t.changedBy(policy.updatedByName ?? policy.updatedBy ?? '', this.formatDate(policy.updatedAt, true))
      : t.neverChanged;
    const enforceFrom = policy.mode === 'optional' ? null : policy.enforceFrom;
    const you = this.access?.enforceFrom ? this.access : null;
    return html`
      <section part="base" aria-labelledby="title">
        <div class="head">
          <h2 id="title">${t.settingsTitle}</h2>
          ${
            policy.canManage
              ? html`<button class="manage primary" part="manage" type="button" aria-haspopup="dialog" @click=${this.openManager}>
                ${t.manage}
              </button>`
              : nothing
          }
        </div>
        ${
          policy.sso.enabled
            ? html`<p class="caution" role="note">${t.ssoSummary(policy.sso.provider ?? '', policy.enforceAfterSso)}</p>`
            : nothing
        }
        <div part="policy" class="policy">
          <span class="muted">${t.currentPolicy}</span>
          <strong class="label">${t.modeLabels[policy.mode]}</strong>
          <span>${t.modeDescriptions[policy.mode]}</span>
        </div>
        ${this.saved ? html`<p part="notice" class="success">${t.saved}</p>` : nothing}
        <p class="muted">${changed}</p>
        ${policy.mode === 'optional' ? nothing : html`<p>${t.graceSummary(policy.gracePeriodDays)}</p>`}
        ${enforceFrom ? html`<p>${t.enforceFromSummary(t.modeLabels[policy.mode], this.formatDate(enforceFrom), pending(policy))}</p>` : nothing}
        ${
          you
            ? html`<p part="pending" class="caution">${t.enforceFromYou(this.formatDate(you.enforceFrom), this.formatDate(you.deadline))}${
                this.profileUrl ? html` <a href=${this.profileUrl}>${t.adminNeedsMfaLink}</a>` : nothing
              }</p>`
            : nothing
        }
        ${
          policy.allowedFactors
            ? html`<p><span class="muted">${t.allowedFactorsLegend}:</span> ${t.allowedFactorsLabels[policy.allowedFactors]}</p>`
            : nothing
        }
        ${policy.rememberDeviceDays ? html`<p>${t.rememberDeviceSummary(policy.rememberDeviceDays)}</p>` : nothing}
        <p>
          ${
            policy.allowedFactors === 'phishing_resistant'
              ? t.compliancePhishingResistant(policy.compliance.withAcceptedMethod, policy.compliance.members)
              : t.compliance(policy.compliance.enrolled, policy.compliance.members)
          }
        </p>
      </section>
      ${
        policy.canManage
          ? html`<mfa-members part="members" account-id=${this.accountId} api-base=${this.apiBase} .strings=${this.strings}></mfa-members>
            <mfa-audit-log part="activity" account-id=${this.accountId} api-base=${this.apiBase} .strings=${this.strings}></mfa-audit-log>`
          : nothing
      }
      ${
        policy.canManage
          ? html`<dialog part="dialog" aria-labelledby="dialog-title" @close=${this.onDialogClose}>
            <h2 id="dialog-title">${t.managerTitle}</h2>
            ${
              this.open
                ? html`<mfa-policy-manager
                  autofocus
                  account-id=${this.accountId}
                  api-base=${this.apiBase}
                  profile-url=${this.profileUrl}
                  .strings=${this.strings}
                  @mfa-policy-change=${this.onPolicyChange}
                  @mfa-cancel=${this.closeManager}
                ></mfa-policy-manager>`
                : nothing
            }
          </dialog>`
          : nothing
      }
      ${this.live.render()}
    `;
  }
}

/** A requiring policy whose start date is still ahead. */
const pending = (policy: PolicyResponse) =>
  policy.mode !== 'optional' && !!policy.enforceFrom && Date.parse(policy.enforceFrom) > Date.now();

customElements.define('mfa-settings', MfaSettings);

declare global {
  interface HTMLElementTagNameMap {
    'mfa-settings': MfaSettings;
  }
}
