import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Loader } from './base.ts';
import { focusHeading } from './live.ts';
import type { MfaStrings } from './strings/mfa-strings.ts';

/** What a step-up needs of its element. */
export interface StepUpHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** Where the mfakit HTTP API is mounted: the challenge asks the same one. */
  apiBase: string;
  /** The element's replacement strings, passed on to the challenge. */
  strings: Partial<MfaStrings>;
}

/**
 * The second factor asked again in place, inside the element whose request wanted it:
 * an `<mfa-challenge no-heading>` whose `mfa-verified` stays inside the element and
 * calls back, so the element can repeat what was refused. The challenge is loaded when
 * first needed, so a page that never asks for a step-up does not ship it.
 *
 * The element decides when a step-up is open (its own state: the action waiting for
 * it); this object loads, renders and focuses the challenge (it needs none of a controller's
 * lifecycle, so it is not registered as one). It also keeps the one
 * step-up an element opens for a load refused with `challenge_required`
 * (**Verify it is you**, see `verifyHere` below, which only the elements that need it ship).
 *
 * @example
 * private readonly stepUp = new StepUp(this);
 * // step_up_required: show it, then
 * await this.stepUp.focus();
 * render() { return html`${this.open ? this.stepUp.render(() => this.save(), this.t.stepUp) : nothing}`; }
 */
export class StepUp {
  /** The challenge of `verifyHere` is open (the user asked to verify here). */
  verifying = false;

  constructor(readonly host: StepUpHost) {}

  /** Loads `<mfa-challenge>` and focuses the one the host renders, after its next render. */
  async focus(): Promise<void> {
    await import('./mfa-challenge/mfa-challenge.ts');
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>('mfa-challenge')?.focus();
  }

  /**
   * The step-up: why (`why`), and the challenge, whose `mfa-verified` calls `onVerified`,
   * which then moves focus to what the action brought. With `accountId`, it offers what that
   * account accepts; with `accepts` (from the `step_up_required` answer, with
   * `recovery_code` where one is enough), only those.
   */
  render(onVerified: () => void, why: string, accountId = '', accepts?: readonly string[]): TemplateResult {
    return html`<p>${why}</p>${this.challenge(onVerified, accountId, accepts)}`;
  }

  /** An `<mfa-challenge>` without its heading, whose `mfa-verified` stays inside and calls `onVerified`. */
  challenge(onVerified: () => void, accountId: string, accepts?: readonly string[]): TemplateResult {
    const host = this.host;
    return html`<mfa-challenge
        no-heading
        account-id=${accountId}
        api-base=${host.apiBase}
        .accepts=${accepts}
        .strings=${host.strings}
        @mfa-verified=${(e: Event) => {
          e.stopPropagation();
          onVerified();
        }}
      ></mfa-challenge>`;
  }
}

/**
 * For a load that the account (`accountId`) refused until this session's second factor is
 * verified (`challenge_required`): **Verify it is you** (`label`), which opens `stepUp`'s
 * challenge here (one button, not one code field per element on a page). The load runs again
 * once any challenge on the page verifies the session (see `Loader`); its result then takes
 * the challenge's place, and focus.
 */
export function verifyHere<T>(
  stepUp: StepUp,
  loader: Loader<T>,
  accountId: string,
  label: string,
): TemplateResult {
  const host = stepUp.host;
  if (stepUp.verifying) {
    return stepUp.challenge(() => {
      stepUp.verifying = false;
      void loader.settled.then((shown) => (shown ? focusHeading(host, null) : undefined));
    }, accountId);
  }
  return html`<button
    type="button"
    @click=${() => {
      stepUp.verifying = true;
      host.requestUpdate();
      void stepUp.focus();
    }}
  >${label}</button>`;
}
