import type { MemberResponse, PolicyResponse } from '@mfakit/server-sdk';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { Loader, MfaElement, toApiError } from '../base.ts';
import type { MfaApiError } from '../client.ts';
import {
  MfaCancelEvent,
  MfaCredentialChangeEvent,
  MfaEnrolledEvent,
  MfaPolicyChangeEvent,
} from '../events.ts';
import { Announcer, focusAfterRender } from '../live.ts';
import { allowedFactorsValues, policyModes } from '../modes.ts';
import { StepUp } from '../step-up.ts';
import { common } from '../strings/en-common.ts';
import { policy } from '../strings/en-policy.ts';
import { tokens } from '../styles/shared.ts';
import {
  type CheckedField,
  type DayField,
  type Draft,
  draftOf,
  showDraft,
  storedDay,
  updateOf,
} from './draft.ts';
import { renderCards, renderDays, renderStartDate } from './fields.ts';
import { type Impact, impactOf, noImpact } from './impact.ts';
import { styles } from './mfa-policy-manager.styles.ts';
import { startDateAllowed } from './start-date.ts';

/** How long the impact preview waits for the choices to settle before it says whom they affect. */
const IMPACT_QUIET_MS = 500;

/**
 * Edits an account's MFA policy: the three policies as radio cards, the grace
 * period, for a requiring policy an optional start date ("Start enforcing on", tomorrow to a
 * year ahead: sent as that day's local midnight), "Also require MFA after Single Sign-On" on SSO accounts, the accepted
 * methods ("Any method" or "Phishing-resistant only"), how many days members may
 * skip the second step on a remembered device (0–30, 0: never), and a preview of who a
 * requiring policy affects (members without an accepted method, and with a start date from when
 * and by when) before it is saved. A save that needs a
 * fresh verification shows the challenge inline and retries once verified. An administrator
 * without MFA, who cannot save any policy, is told so instead of the form, with a link to
 * `profile-url`. A days field or start date out of range is refused in place (`aria-invalid`, its message
 * beside it) and nothing is saved; after a failed save focus moves to what failed. Whom a
 * policy affects is announced briefly when that changes, never per keystroke.
 *
 * @summary Choose an account's MFA policy.
 * @fires mfa-policy-change - The policy was saved; `event.policy` is the new policy.
 * @fires mfa-cancel - The user pressed Cancel.
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The form.
 * @csspart card - Each policy's radio card.
 * @csspart impact - The preview of affected members.
 * @csspart message - The message beside Save: an error (focused when it appears), or "Policy saved."
 * @csspart actions - The message, Save and Cancel (`<mfa-settings>` keeps them in view at the bottom of its dialog).
 * @cssprop --mfa-accent - The colour of the selected card and the Save button.
 * @cssprop --mfa-caution-bg - The background of the SSO caution.
 * @cssprop --mfa-font - The font shorthand.
 * @cssprop --mfa-radius - The corner radius.
 */
export class MfaPolicyManager extends MfaElement {
  static override properties: PropertyDeclarations = {
    accountId: { attribute: 'account-id' },
    profileUrl: { attribute: 'profile-url' },
    draft: { attribute: false },
    invalid: { attribute: false },
    busy: { attribute: false },
    error: { attribute: false },
    notice: { attribute: false },
    stepUpOpen: { attribute: false },
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...policy };

  /** The account whose policy is edited. */
  accountId = '';
  /** Where the signed-in user sets up MFA (their profile): linked when an administrator without MFA opens the manager. */
  profileUrl = '';

  private readonly live = new Announcer(this);
  private readonly stepUp = new StepUp(this);

  private readonly account = new Loader<{
    policy: PolicyResponse;
    members: MemberResponse[];
    /** The administrator has no MFA, so no save can succeed (`null`: unknown). */
    needsMfa: boolean | null;
  }>(
    this,
    async () => {
      // Every member: the preview names whom a requiring policy affects. The administrator's own
      // factors: changing a policy needs an administrator who has MFA.
      const [policy, members, me] = await Promise.all([
        this.client.getPolicy(this.accountId),
        this.client.allMembers(this.accountId),
        this.client.me().catch(() => null),
      ]);
      return { policy, members, needsMfa: me ? !me.enrolled : null };
    },
    ({ policy }) => {
      this.draft = draftOf(policy);
      this.invalid = {};
      this.impactSaid = null;
      if (this.hasAttribute('autofocus') && !this.focusedOnce) {
        this.focusedOnce = true;
        void this.updateComplete.then(() => this.focus());
      }
    },
    // An administrator without MFA who sets it up elsewhere on the page gets the form.
    [MfaEnrolledEvent.type, MfaCredentialChangeEvent.type],
  );
  private draft: Draft | null = null;
  private busy = false;
  private error: MfaApiError | null = null;
  private notice = '';
  private stepUpOpen = false;
  private focusedOnce = false;
  /** The fields holding something out of range: shown as typed, refused, never saved. */
  private invalid: Partial<Record<CheckedField, true>> = {};
  /** What the impact preview shows now: a key of whom it affects, its summary, the preview. */
  private impact: Impact = noImpact;
  /** The key last announced (`null`: none yet; the first preview after a load is not news). */
  private impactSaid: string | null = null;
  private impactTimer: ReturnType<typeof setTimeout> | undefined;

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('accountId') && this.accountId) void this.refresh();
    this.announceImpact();
    if (this.draft) showDraft(this.renderRoot, this.draft, this.invalid);
  }

  /** Reloads the policy and the members, and resets the form to the stored policy. */
  async refresh(): Promise<void> {
    await this.account.reload();
  }

  /**
   * Says whom the policy affects once the choices have settled and only when that changed:
   * the count, not the names, and nothing while the grace period is typed.
   */
  private announceImpact() {
    const { key } = this.impact;
    if (this.impactSaid === null) {
      if (this.draft) this.impactSaid = key;
      return;
    }
    clearTimeout(this.impactTimer);
    if (key === this.impactSaid) return;
    this.impactTimer = setTimeout(() => {
      const now = this.impact;
      if (now.key === this.impactSaid) return;
      this.impactSaid = now.key;
      if (now.summary) this.live.say(now.summary);
    }, IMPACT_QUIET_MS);
  }

  /** Focuses the selected policy's radio (or, for an administrator without MFA, the way to set it up). */
  override focus(): void {
    (
      this.renderRoot.querySelector(
        '.needs-mfa a, .needs-mfa button, input[type=radio]:checked',
      ) as HTMLElement | null
    )?.focus();
  }

  private setDraft(patch: Partial<Draft>) {
    if (this.draft) this.draft = { ...this.draft, ...patch };
  }

  /**
   * A number field of the draft, named after its setting: a whole number from 0 to `max` goes
   * into the draft; anything else (empty included) stays as typed, marked invalid with its message
   * beside it, and blocks Save. Nothing is clamped.
   */
  private renderDays(name: DayField, max: number, label: string, hint: string) {
    return renderDays(this.t, name, max, label, hint, this.invalid[name], (e) => {
      const typed = (e.target as HTMLInputElement).value.trim();
      this.check(name, /^\d+$/.test(typed) && Number(typed) <= max ? { [name]: Number(typed) } : null);
    });
  }

  /**
   * The start date as typed: a day from tomorrow to a year ahead (or the one stored, or none)
   * goes into the draft; a day out of range or half typed stays as it is, marked invalid.
   */
  private onStartDate(e: Event) {
    const input = e.target as HTMLInputElement;
    const load = this.account.value;
    const stored = load.status === 'ready' ? storedDay(load.data.policy) : '';
    const allowed = !input.validity.badInput && startDateAllowed(input.value, stored);
    this.check('enforceFrom', allowed ? { enforceFrom: input.value } : null);
  }

  /** A checked field's new value: `patch` into the draft, or (`null`) the field marked invalid. */
  private check(name: CheckedField, patch: Partial<Draft> | null) {
    const invalid = { ...this.invalid };
    delete invalid[name];
    if (patch) this.setDraft(patch);
    else invalid[name] = true;
    this.invalid = invalid;
  }

  private async save(e?: Event) {
    e?.preventDefault();
    const load = this.account.value;
    if (this.busy || !this.draft || load.status !== 'ready') return;
    // A field out of range: nothing is sent; the field says why (the start date only where it is shown).
    const checked: CheckedField[] = ['gracePeriodDays', 'enforceFrom', 'rememberDeviceDays'];
    const invalid = checked.find(
      (name) => this.invalid[name] && (name !== 'enforceFrom' || this.draft?.mode !== 'optional'),
    );
    if (invalid) {
      this.renderRoot.querySelector<HTMLElement>(`#${invalid}`)?.focus();
      return;
    }
    const { policy } = load.data;
    this.busy = true;
    this.error = null;
    this.notice = '';
    // Where focus goes once Save is enabled again (it loses focus while disabled).
    let focus: string | null = null;
    try {
      const saved = await this.client.putPolicy(this.accountId, updateOf(this.draft, policy));
      this.stepUpOpen = false;
      this.account.set({ ...load.data, policy: saved });
      this.dispatchEvent(new MfaPolicyChangeEvent(saved));
      // In <mfa-settings> the dialog has closed by now and the settings say it; on its own, the manager does.
      if (this.isConnected && this.checkVisibility()) {
        this.notice = this.t.saved;
        this.live.say(this.t.saved);
        focus = 'button.primary';
      }
    } catch (err) {
      const error = toApiError(err);
      focus = '#message';
      if (error.code === 'step_up_required') {
        const me = await this.client.me().catch(() => null);
        if (me?.enrolled) {
          this.stepUpOpen = true;
          focus = null;
          await this.stepUp.focus();
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
    if (focus) await focusAfterRender(this, focus);
  }

  private cancel() {
    this.stepUpOpen = false;
    this.error = null;
    this.notice = '';
    this.invalid = {};
    this.impactSaid = null;
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

  /** Instead of the form: an administrator without MFA cannot change the policy, and where to set it up. */
  private renderNeedsMfa() {
    const t = this.t;
    return html`<div part="base" class="needs-mfa">
      <p>${t.adminNeedsMfa}</p>
      ${this.profileUrl ? html`<p><a href=${this.profileUrl}>${t.adminNeedsMfaLink}</a></p>` : nothing}
      <div class="actions"><button type="button" @click=${this.cancel}>${t.close}</button></div>
      ${this.live.render()}
    </div>`;
  }

  override render() {
    const t = this.t;
    const load = this.account.value;
    if (load.status !== 'ready' || !this.draft) return this.renderPending(this.account);
    const { policy, members, needsMfa } = load.data;
    if (needsMfa) return this.renderNeedsMfa();
    const draft = this.draft;
    // Whom the draft affects: shown below, said by `announceImpact` once the choices settle.
    const date = (iso: string) => this.formatDate(iso);
    this.impact = impactOf(
      t,
      draft,
      members,
      date,
      !!(this.invalid.gracePeriodDays || this.invalid.enforceFrom),
    );
    return html`
      <form part="base" @submit=${this.save} novalidate>
        ${
          policy.sso.enabled
            ? html`<p class="caution" role="note">${t.ssoCaution(policy.sso.provider ?? '')}</p>`
            : nothing
        }
        ${renderCards(
          t.policyLegend,
          'mode',
          policyModes,
          draft.mode,
          t.modeLabels,
          t.modeDescriptions,
          (mode) => this.setDraft({ mode }),
        )}
        ${this.renderDays('gracePeriodDays', 90, t.gracePeriod, t.gracePeriodHint)}
        ${
          draft.enforceFrom === undefined || draft.mode === 'optional'
            ? nothing
            : renderStartDate(t, this.invalid.enforceFrom, date, (e) => this.onStartDate(e))
        }
        ${
          policy.sso.enabled
            ? html`<div class="field switch">
              <button
                id="sso"
                type="button"
                role="switch"
                aria-checked=${draft.enforceAfterSso ? 'true' : 'false'}
                aria-describedby="sso-hint"
                @click=${() => this.setDraft({ enforceAfterSso: !this.draft?.enforceAfterSso })}
              ></button>
              <label for="sso">${t.enforceAfterSso}</label>
              <p id="sso-hint" class="muted">${t.enforceAfterSsoHint}</p>
            </div>`
            : nothing
        }
        ${
          draft.allowedFactors
            ? renderCards(
                t.allowedFactorsLegend,
                'allowedFactors',
                allowedFactorsValues,
                draft.allowedFactors,
                t.allowedFactorsLabels,
                t.allowedFactorsDescriptions,
                (allowedFactors) => this.setDraft({ allowedFactors }),
              )
            : nothing
        }
        ${draft.rememberDeviceDays === undefined ? nothing : this.renderDays('rememberDeviceDays', 30, t.rememberDevice, t.rememberDeviceHint)}
        ${this.impact.template}
        ${
          this.stepUpOpen
            ? html`<div class="step-up">
              ${this.stepUp.render(
                () => {
                  this.stepUpOpen = false;
                  void this.save();
                },
                t.stepUp,
                this.accountId,
              )}
            </div>`
            : nothing
        }
        <div part="actions" class="actions">
          <p id="message" part="message" tabindex="-1" class=${this.error ? 'error' : 'success'}>${this.messageText()}${
            this.error?.code === 'step_up_required' && this.profileUrl
              ? html` <a href=${this.profileUrl}>${t.adminNeedsMfaLink}</a>`
              : nothing
          }</p>
          <button class="primary" type="submit" ?disabled=${this.busy || this.stepUpOpen}>${this.busy ? t.saving : t.save}</button>
          <button type="button" @click=${this.cancel} ?disabled=${this.busy}>${t.cancel}</button>
        </div>
        ${this.live.render()}
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
