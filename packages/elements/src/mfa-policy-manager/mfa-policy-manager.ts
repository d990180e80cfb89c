import type { MemberResponse, PolicyMode, PolicyResponse } from '@mfakit/server-sdk';
import type { AllowedFactors } from '@mfakit/server-sdk/model';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { Loader, MfaElement, toApiError } from '../base.ts';
import type { MfaApiError } from '../client.ts';
import { MfaCancelEvent, MfaPolicyChangeEvent } from '../events.ts';
import { allowedFactorsValues, policyModes, requires } from '../modes.ts';
import { common } from '../strings/en-common.ts';
import { policy } from '../strings/en-policy.ts';
import { tokens } from '../styles/shared.ts';
import { styles } from './mfa-policy-manager.styles.ts';

interface Draft {
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  /** Absent when the server predates accepted methods. */
  allowedFactors?: AllowedFactors;
  /** Absent when the server predates remembered devices. */
  rememberDeviceDays?: number;
}

/** The policy's settings as a form draft. */
function draftOf(policy: PolicyResponse): Draft {
  return {
    mode: policy.mode,
    gracePeriodDays: policy.gracePeriodDays,
    enforceAfterSso: policy.enforceAfterSso,
    ...(policy.allowedFactors ? { allowedFactors: policy.allowedFactors } : {}),
    ...(policy.rememberDeviceDays === undefined ? {} : { rememberDeviceDays: policy.rememberDeviceDays }),
  };
}

/**
 * Edits an account's MFA policy: the three policies as radio cards, the grace
 * period, "Also require MFA after Single Sign-On" on SSO accounts, the accepted
 * methods ("Any method" or "Phishing-resistant only"), how many days members may
 * skip the second step on a remembered device (0–30, 0: never), and a preview of who a
 * requiring policy affects (members without an accepted method) before it is saved. A save that needs a
 * fresh verification shows the challenge inline and retries once verified.
 *
 * @summary Choose an account's MFA policy.
 * @fires mfa-policy-change - The policy was saved; `event.policy` is the new policy.
 * @fires mfa-cancel - The user pressed Cancel.
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The form.
 * @csspart card - Each policy's radio card.
 * @csspart impact - The preview of affected members.
 * @csspart message - The live region for errors.
 * @cssprop --mfa-accent - The colour of the selected card and the Save button.
 * @cssprop --mfa-caution-bg - The background of the SSO caution.
 * @cssprop --mfa-font - The font shorthand.
 * @cssprop --mfa-radius - The corner radius.
 */
export class MfaPolicyManager extends MfaElement {
  static override properties: PropertyDeclarations = {
    accountId: { attribute: 'account-id' },
    draft: { attribute: false },
    busy: { attribute: false },
    error: { attribute: false },
    notice: { attribute: false },
    stepUp: { attribute: false },
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...policy };

  /** The account whose policy is edited. */
  accountId = '';

  private readonly account = new Loader<{ policy: PolicyResponse; members: MemberResponse[] }>(
    this,
    async () => {
      // Every member: the preview names whom a requiring policy affects.
      const [policy, members] = await Promise.all([
        this.client.getPolicy(this.accountId),
        this.client.allMembers(this.accountId),
      ]);
      return { policy, members };
    },
    ({ policy }) => {
      this.draft = draftOf(policy);
      if (this.hasAttribute('autofocus') && !this.focusedOnce) {
        this.focusedOnce = true;
        void this.updateComplete.then(() => this.focus());
      }
    },
  );
  private draft: Draft | null = null;
  private busy = false;
  private error: MfaApiError | null = null;
  private notice = '';
  private stepUp = false;
  private focusedOnce = false;

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('accountId') && this.accountId) void this.refresh();
    // Every input named after a setting shows the draft after each render, also where the user
    // changed it and the draft came back before the next render (Cancel right after a click).
    const draft = this.draft as Record<string, unknown> | null;
    if (!draft) return;
    for (const input of this.renderRoot.querySelectorAll<HTMLInputElement>('input[name]')) {
      const value = draft[input.name];
      if (input.type === 'radio') input.checked = input.value === value;
      else if (input.type === 'checkbox') input.checked = value === true;
      else input.value = String(value);
    }
  }

  /** Reloads the policy and the members, and resets the form to the stored policy. */
  async refresh(): Promise<void> {
    await this.account.reload();
  }

  /** Focuses the selected policy's radio. */
  override focus(): void {
    (this.renderRoot.querySelector('input[type=radio]:checked') as HTMLElement | null)?.focus();
  }

  private setDraft(patch: Partial<Draft>) {
    if (this.draft) this.draft = { ...this.draft, ...patch };
  }

  /** A number field of the draft, named after its setting: whole numbers within its range only. */
  private renderDays(
    name: 'gracePeriodDays' | 'rememberDeviceDays',
    max: number,
    label: string,
    hint: string,
  ) {
    return html`<div class="field">
      <label for=${name}>${label}</label>
      <input id=${name} name=${name} type="number" min="0" max=${max} step="1" aria-describedby="${name}-hint"
        @input=${(e: Event) => {
          const value = Number((e.target as HTMLInputElement).value);
          if (Number.isInteger(value) && value >= 0 && value <= max) this.setDraft({ [name]: value });
        }} />
      <p id="${name}-hint" class="muted">${hint}</p>
    </div>`;
  }

  private async save(e?: Event) {
    e?.preventDefault();
    const load = this.account.value;
    if (this.busy || !this.draft || load.status !== 'ready') return;
    const { policy } = load.data;
    this.busy = true;
    this.error = null;
    this.notice = '';
    try {
      const saved = await this.client.putPolicy(this.accountId, { ...this.draft, version: policy.version });
      this.stepUp = false;
      this.account.set({ ...load.data, policy: saved });
      this.notice = this.t.saved;
      this.dispatchEvent(new MfaPolicyChangeEvent(saved));
    } catch (err) {
      const error = toApiError(err);
      if (error.code === 'step_up_required') {
        const me = await this.client.me().catch(() => null);
        if (me?.enrolled) {
          this.stepUp = true;
          await this.focusStepUp();
        } else {
          this.error = error;
          this.notice = '';
        }
      } else if (error.code === 'version_conflict') {
        // Show the policy as it now is; the admin reviews it and saves again.
        await this.refresh();
        this.error = error;
      } else {
        this.error = error;
        this.reportError(error);
      }
    } finally {
      this.busy = false;
    }
  }

  private cancel() {
    this.stepUp = false;
    this.error = null;
    this.notice = '';
    const load = this.account.value;
    if (load.status === 'ready') {
      this.draft = draftOf(load.data.policy);
    }
    this.dispatchEvent(new MfaCancelEvent());
  }

  private messageText(): string {
    const error = this.error;
    if (!error) return this.notice;
    if (error.code === 'version_conflict') return this.t.conflict;
    if (error.code === 'step_up_required') return this.t.setUpMfaFirst;
    return this.message(error);
  }

  private renderImpact(draft: Draft, members: MemberResponse[]) {
    if (draft.mode === 'optional') return nothing;
    const t = this.t;
    const strict = draft.allowedFactors === 'phishing_resistant';
    // Under "Phishing-resistant only" an app does not count: members without a passkey or security key are affected.
    const lacks = (m: MemberResponse) => (strict ? !m.methods?.includes('webauthn') : !m.enrolled);
    const affected = members.filter((m) => requires(draft.mode, m.role) && lacks(m));
    const days = draft.gracePeriodDays;
    return html`<div part="impact" class="impact" role="status">
      ${
        affected.length === 0
          ? html`<p>${t.impactNone}</p>`
          : html`<p><strong>${strict ? t.impactPhishingResistant(affected.length, days) : t.impact(affected.length, days)}</strong></p>
            <ul>
              ${affected.map(
                (m) =>
                  html`<li>${t.impactDeadline(m.displayName, m.deadline ? this.formatDate(m.deadline) : null, draft.gracePeriodDays)}</li>`,
              )}
            </ul>`
      }
    </div>`;
  }

  override render() {
    const t = this.t;
    const load = this.account.value;
    if (load.status !== 'ready' || !this.draft) return this.renderPending(this.account);
    const { policy, members } = load.data;
    const draft = this.draft;
    return html`
      <form part="base" @submit=${this.save} novalidate>
        ${
          policy.sso.enabled
            ? html`<p class="caution" role="note">${t.ssoCaution(policy.sso.provider ?? '')}</p>`
            : nothing
        }
        <fieldset>
          <legend>${t.policyLegend}</legend>
          ${policyModes.map(
            (mode) => html`<label part="card" class="card ${draft.mode === mode ? 'selected' : ''}">
              <input
                type="radio"
                name="mode"
                .value=${mode}
                aria-labelledby="label-${mode}"
                aria-describedby="desc-${mode}"
                @change=${() => this.setDraft({ mode })}
              />
              <span>
                <span class="card-label" id="label-${mode}">${t.modeLabels[mode]}</span>
                <span class="card-desc" id="desc-${mode}">${t.modeDescriptions[mode]}</span>
              </span>
            </label>`,
          )}
        </fieldset>
        ${this.renderDays('gracePeriodDays', 90, t.gracePeriod, t.gracePeriodHint)}
        ${
          policy.sso.enabled
            ? html`<div class="field switch">
              <input
                id="sso"
                name="enforceAfterSso"
                type="checkbox"
                role="switch"
                aria-describedby="sso-hint"
                @change=${(e: Event) => this.setDraft({ enforceAfterSso: (e.target as HTMLInputElement).checked })}
              />
              <label for="sso">${t.enforceAfterSso}</label>
              <p id="sso-hint" class="muted">${t.enforceAfterSsoHint}</p>
            </div>`
            : nothing
        }
        ${
          draft.allowedFactors
            ? html`<fieldset>
              <legend>${t.allowedFactorsLegend}</legend>
              ${allowedFactorsValues.map(
                (
                  value,
                ) => html`<label part="card" class="card ${draft.allowedFactors === value ? 'selected' : ''}">
                  <input
                    type="radio"
                    name="allowedFactors"
                    .value=${value}
                    aria-labelledby="label-${value}"
                    aria-describedby="desc-${value}"
                    @change=${() => this.setDraft({ allowedFactors: value })}
                  />
                  <span>
                    <span class="card-label" id="label-${value}">${t.allowedFactorsLabels[value]}</span>
                    <span class="card-desc" id="desc-${value}">${t.allowedFactorsDescriptions[value]}</span>
                  </span>
                </label>`,
              )}
            </fieldset>`
            : nothing
        }
        ${draft.rememberDeviceDays === undefined ? nothing : this.renderDays('rememberDeviceDays', 30, t.rememberDevice, t.rememberDeviceHint)}
        ${this.renderImpact(draft, members)}
        ${
          this.stepUp
            ? html`<div class="step-up">
              ${this.renderStepUp(() => {
                this.stepUp = false;
                void this.save();
              }, this.accountId)}
            </div>`
            : nothing
        }
        <p id="message" part="message" class=${this.error ? 'error' : 'success'} aria-live="polite">${this.messageText()}</p>
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.busy || this.stepUp}>${this.busy ? t.saving : t.save}</button>
          <button type="button" @click=${this.cancel} ?disabled=${this.busy}>${t.cancel}</button>
        </div>
      </form>
    `;
  }
}

customElements.define('mfa-policy-manager', MfaPolicyManager);

declare global {
  interface HTMLElementTagNameMap {
    'mfa-policy-manager': MfaPolicyManager;
  }
}
