import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { MfaApiError } from '../client.ts';
import { MfaErrorEvent } from '../events.ts';

/**
 * Where an action's outcome is shown: the section of the control that started it, or the
 * top of the card (where the recovery codes were, once setup ends).
 */
export type Where = 'app' | 'passkeys' | 'devices' | 'top';

/** The one action under way (`busy`), or how the last one ended (`error` or `note`). */
export type Act = { where: Where; busy?: true; error?: MfaApiError; note?: string };

/**
 * The one action of `<mfa-user-enroll>` under way, or how the last one ended, as one piece
 * of state for every section: one action at a time (each control is disabled while one is
 * busy); its outcome shown in its section beside the control that started it; a success
 * also said once, politely, by the live region; a failure reported to the page.
 */
export class ActionState {
  private value: Act | null = null;

  /**
   * @param host The element: it renders the state, and tells the page of a failure (`mfa-error`).
   * @param say Says a success once, politely.
   * @param text A failure in the words shown beside its control.
   */
  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly say: (text: string) => void,
    private readonly text: (error: MfaApiError) => string,
  ) {}

  private set(act: Act | null) {
    this.value = act;
    this.host.requestUpdate();
  }

  get busy(): boolean {
    return !!this.value?.busy;
  }

  /** The failure of the last action, in words (empty: none). */
  get error(): string {
    return this.value?.error ? this.text(this.value.error) : '';
  }

  /** The success note of the last action (empty: none). */
  get notice(): string {
    return this.value?.note ?? '';
  }

  /** Starts an action in `where`: busy until `end` or `fail`, one at a time (false: one is under way). */
  begin(where: Where): boolean {
    if (this.busy) return false;
    this.set({ where, busy: true });
    return true;
  }

  /** Ends the action with `note` (said once, shown in its section), or quietly. */
  end(where: Where, note = ''): void {
    this.set(note ? { where, note } : null);
    if (note) this.say(note);
  }

  /** Ends the action with its error, shown beside the control that started it, and reported. */
  fail(where: Where, error: MfaApiError): void {
    this.set({ where, error });
    this.host.dispatchEvent(new MfaErrorEvent(error));
  }

  /** Forgets the last outcome (something new opened). */
  clear(): void {
    this.set(null);
  }

  /**
   * The outcome of the last action of `where`, beside its controls (id `message` for the
   * app's, which stays in place, empty until it says something, unless `hidden`: the setup
   * panel has its own).
   */
  note(where: Where, hidden = false) {
    const act = this.value?.where === where && !this.value.busy ? this.value : null;
    if (hidden || (where !== 'app' && !act)) return nothing;
    if (where === 'top') return html`<p class="success">${act?.note}</p>`;
    return html`<p id=${messageId(where)} part="message" class=${act?.error ? 'error' : 'success'}>${
      act?.error ? this.text(act.error) : act?.note
    }</p>`;
  }

  /**
   * `extra` and the error of `where`, for the aria-describedby of a control that focus returns
   * to after a failure (a success is said by the live region instead: once).
   */
  describedBy(where: Where, extra = '') {
    const shown = this.value?.where === where && !!this.value.error;
    return [extra, shown ? messageId(where) : ''].filter(Boolean).join(' ') || nothing;
  }
}

const messageId = (where: Where) => (where === 'app' ? 'message' : `${where}-message`);
