import { ContextConsumer } from '@lit/context';
import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { MfaApiError, MfaClient } from './client.ts';
import { mfaClientContext } from './context.ts';
import { MfaErrorEvent } from './events.ts';
import { focusHeading } from './live.ts';
import { LocalizedElement } from './localized-element.ts';
import { common } from './strings/en-common.ts';
import type { MfaStrings } from './strings/mfa-strings.ts';

const ownClients = new Map<string, MfaClient>();

/** Async work as one piece of state: what the element renders follows from it. */
export type Load<T> =
  | { status: 'loading' }
  | { status: 'error'; error: MfaApiError }
  | { status: 'ready'; data: T };

export function toApiError(error: unknown): MfaApiError {
  return error instanceof MfaApiError
    ? error
    : new MfaApiError(0, 'network_error', error instanceof Error ? error.message : String(error));
}

/**
 * The one way the elements load what they show, as `@lit/task` would: `value` is
 * loading, an error or ready, and the host renders from it. `reload()` runs the
 * load again; only the newest run (or `set`) decides `value`; a failure is shown
 * and reported to the page as `mfa-error`. A reload keeps showing the data it
 * replaces until it finishes. A load the account refused for want of this session's
 * second factor (`challenge_required`) runs again when any challenge on the page
 * verifies the session (`mfa-verified`, heard at the window before anyone can stop it).
 */
export class Loader<T> {
  value: Load<T> = { status: 'loading' };
  private latest = 0;
  /** The newest `reload()`, for whoever waits for what it brings. */
  settled: Promise<boolean> = Promise.resolve(false);

  /**
   * @param load Fetches the data.
   * @param loaded Called with the data of each successful `reload()`, before the host renders it.
   * @param changedBy Events of other elements on the page after which the data is stale (`mfa-policy-change` …):
   *   shown data is loaded again, quietly.
   */
  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly load: () => Promise<T>,
    private readonly loaded?: (data: T) => void,
    private readonly changedBy: readonly string[] = [],
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.listen(addEventListener);
  }

  hostDisconnected(): void {
    this.listen(removeEventListener);
  }

  /** Starts (`addEventListener`) or stops hearing the events after which the data is stale. */
  private listen(how: typeof addEventListener) {
    for (const type of ['mfa-verified', ...this.changedBy]) how(type, this.heard, true);
  }

  private readonly heard = (e: Event) => {
    const value = this.value;
    if (e.type !== 'mfa-verified') {
      if (value.status === 'ready') void this.reload({ quiet: true });
    } else if (value.status === 'error' && value.error.code === 'challenge_required') void this.reload();
  };

  /**
   * Loads again. With `quiet`, a failure leaves data already shown as it was and is
   * not reported (a first load that fails is, quiet or not: never "loading" forever).
   * Resolves to whether this run's data is now shown.
   */
  reload({ quiet = false } = {}): Promise<boolean> {
    this.settled = this.run(quiet);
    return this.settled;
  }

  private async run(quiet: boolean): Promise<boolean> {
    const run = ++this.latest;
    try {
      const data = await this.load();
      if (run !== this.latest) return false;
      this.set(data);
      this.loaded?.(data);
      return true;
    } catch (err) {
      if (run !== this.latest || (quiet && this.value.status === 'ready')) return false;
      const error = toApiError(err);
      this.update({ status: 'error', error });
      this.host.dispatchEvent(new MfaErrorEvent(error));
      return false;
    }
  }

  /** Shows `data`, as if loaded now: a load still under way is dropped. */
  set(data: T): void {
    this.latest++;
    this.update({ status: 'ready', data });
  }

  private update(value: Load<T>) {
    this.value = value;
    this.host.requestUpdate();
  }
}

/**
 * What every mfakit element shares: besides `LocalizedElement`'s `api-base`, `strings`
 * and dates, the `MfaClient` from a context provider (or its own), loading and errors.
 */
export class MfaElement extends LocalizedElement {
  private readonly clientConsumer = new ContextConsumer(this, { context: mfaClientContext, subscribe: true });

  /** The shared client from a provider above, else one for `api-base`. */
  protected get client(): MfaClient {
    const provided = this.clientConsumer.value;
    if (provided) return provided;
    let own = ownClients.get(this.apiBase);
    if (!own) {
      own = new MfaClient(this.apiBase);
      ownClients.set(this.apiBase, own);
    }
    return own;
  }

  protected override readonly defaults: Partial<MfaStrings> = common;

  /** The message to show for a failed request (a wrong code says how many attempts are left). */
  protected message(error: MfaApiError): string {
    if (error.code === 'too_many_attempts' && error.retryAfterSeconds !== undefined) {
      return this.t.waitSeconds(error.retryAfterSeconds);
    }
    if (error.code === 'invalid_code' && error.attemptsLeft !== undefined && error.attemptsLeft > 0) {
      return this.t.attemptsLeft(error.attemptsLeft);
    }
    const errors = this.t.errors;
    return (
      errors[error.code] ?? (error.status >= 500 || error.status === 0 ? errors.fallback : error.message)
    );
  }

  /**
   * What to show while `loader` is not ready: the loading line, or the error with a retry
   * button. When the account first wants this session's second factor
   * (`challenge_required`) and the element offers `verify` (`StepUp.verifyHere`), that
   * instead of the retry button.
   */
  protected renderPending<T>(loader: Loader<T>, verify?: () => TemplateResult): TemplateResult | null {
    const load = loader.value;
    if (load.status === 'loading') return html`<p role="status" class="muted">${this.t.loading}</p>`;
    if (load.status === 'error') {
      return html`<div part="base">
        <p class="error" role="alert">${this.message(load.error)}</p>
        ${
          verify && load.error.code === 'challenge_required'
            ? verify()
            : html`<button
                type="button"
                @click=${async (e: Event) => {
                  const scope = (e.target as Element).closest('section');
                  if (await loader.reload()) await focusHeading(this, scope);
                }}
              >${this.t.retry}</button>`
        }
      </div>`;
    }
    return null;
  }

  /** Reports a failure to the host page. */
  protected reportError(error: MfaApiError): void {
    this.dispatchEvent(new MfaErrorEvent(error));
  }
}
