import type {
  MeResponse,
  RememberedDevicesResponse,
  TotpSetupResponse,
  WebAuthnCredentialResponse,
} from '@mfakit/server-sdk';
import { type CSSResult, html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { type Load, Loader, toApiError } from '../base.ts';
import type { MfaApiError, MfaClient } from '../client.ts';
import { Announcer, focusAfterRender } from '../live.ts';
import type { StepUp, StepUpHost } from '../step-up.ts';
import type { MfaStrings } from '../strings/mfa-strings.ts';
import { ActionState, type Where } from './action.ts';

/**
 * The panels that appear after the user acts (setup, codes, names, confirmations) and the
 * actions only they start: `panels.ts`, loaded later. Named here, so that the profile need
 * not import the module that imports it.
 */
export interface Panels {
  /** The panels' styles, adopted by the element's shadow root when the panels load. */
  panelStyles: CSSResult;
  /** The element's words, with the panels' own English beneath them. */
  words(h: Profile): MfaStrings;
  showSetup(setup: TotpSetupResponse): ShownSetup;
  /** Shows `codes` once (`enrolled`: the first factor's), ending the action of `where`. */
  showCodes(h: Profile, codes: string[], enrolled: boolean, where: Where): Promise<void>;
  renderSetup(h: Profile, setup: ShownSetup): TemplateResult;
  renderCodes(h: Profile, phase: Extract<Phase, { name: 'codes' }>): TemplateResult;
  renderConfirmRemove(h: Profile, me: MeResponse): TemplateResult;
  /** The name of the passkey `renaming`, or of a new one (then `add` gets the name entered). */
  renderNameForm(
    h: Profile,
    renaming: WebAuthnCredentialResponse | null,
    add?: (name: string) => void,
  ): TemplateResult;
}

/** The setup as shown: the QR code checked and turned into an image URL, the link to the app. */
export interface ShownSetup {
  secret: string;
  qr: string | null;
  link: string | null;
}

/** A request the user starts with a button, busy in its section; the server may ask for a step-up first. */
export type Action =
  | 'setup'
  | 'regenerate'
  | 'remove'
  | { name: 'add-passkey'; label: string }
  | { name: 'remove-passkey'; credential: WebAuthnCredentialResponse };

/** What is open in the card, one thing at a time: a panel, a form, a confirmation or a step-up. */
export type Phase =
  | { name: 'idle' }
  | { name: 'setup'; setup: ShownSetup }
  | { name: 'codes'; codes: string[]; saved: boolean; enrolled: boolean }
  | { name: 'confirm-remove' }
  | { name: 'name-passkey' }
  | { name: 'rename-passkey'; credential: WebAuthnCredentialResponse }
  | { name: 'confirm-remove-passkey'; credential: WebAuthnCredentialResponse }
  | { name: 'step-up'; action: Action; accepts: readonly string[]; perform: () => Promise<void> };

/** The element, as the profile sees it. */
export type ProfileHost = StepUpHost & {
  /** Who the recovery codes are for, in their file and print (default: the user id). */
  userLabel: string;
};

/** What the profile uses of its element's own (protected) members. */
export interface ProfileUses {
  t(): MfaStrings;
  client(): MfaClient;
  date(iso: string): string;
  /** The message for a failed request, as every element words it. */
  message(error: MfaApiError): string;
  /** The loading line, or the error with **Try again**, for a list not read yet. */
  pending<T>(loader: Loader<T>): TemplateResult | null;
  /** Loads the panels (panels.ts, which the profile does not import itself: it imports the profile). */
  panels(): Promise<Panels>;
}

/**
 * The panels that appear after the user acts, loaded once the profile shows (never before
 * its first render) and shared by every instance.
 */
let panelsModule: Panels | undefined;

/** The focus after an action ends, by what it left on screen: the first of these found. */
const focusAfter: Record<string, string[]> = {
  setup: ['#code', '#set-up', '#replace-app'],
  regenerate: ['#codes-title', '#regenerate'],
  remove: ['#set-up', '#remove-app'],
  passkey: ['#codes-title', '#add-passkey', '#passkeys-title'],
};

/**
 * What the step-up accepts: the answer's `accepts`, and a recovery code unless the server
 * asked for a passkey because the user holds one and an account requires MFA of them
 * (then a recovery code, phishable, is no step-up for binding a factor).
 */
function stepUpAccepts(error: MfaApiError, me: Load<MeResponse>): readonly string[] {
  const required = me.status === 'ready' && me.data.requiredBy.length > 0;
  const passkeyOnly = error.accepts.length > 0 && !error.accepts.includes('totp');
  return !error.accepts.length
    ? ['totp', 'webauthn', 'recovery_code']
    : passkeyOnly && required
      ? error.accepts
      : [...error.accepts, 'recovery_code'];
}

/**
 * What the parts of `<mfa-user-enroll>` (the authenticator app, passkeys, recovery codes,
 * remembered devices, "required by") share: the phase (what is open, one thing at a time),
 * the one action state, the live region, the panels, and the moves every part makes
 * (run an action, with a step-up in its section when the server asks for one; open and
 * close a panel; move focus).
 */
export class Profile {
  private current: Phase = { name: 'idle' };
  readonly act: ActionState;
  readonly live: Announcer;
  /** The step-up, loaded when the server first asks for one. */
  private stepUp: StepUp | undefined;
  /** The panels in this shadow root (their styles adopted), once loaded. */
  panels: Panels | undefined;
  /** The user's MFA state; loading it again loads the remembered devices too. */
  readonly me: Loader<MeResponse>;
  /** The remembered devices, loaded again with the user's MFA state (a factor change forgets every device). */
  readonly devices: Loader<RememberedDevicesResponse>;

  constructor(
    readonly el: ProfileHost,
    private readonly uses: ProfileUses,
  ) {
    this.live = new Announcer(el);
    this.act = new ActionState(
      el,
      (text) => this.live.say(text),
      // A failed request in the words shown beside the control that sent it.
      (error) =>
        error.code === 'mfa_required_by_policy'
          ? this.t.requiredByPolicy(error.accounts.map((a) => a.accountName).join(', '))
          : uses.message(error),
    );
    this.devices = new Loader(el, () => this.client.devices());
    this.me = new Loader(
      el,
      () => this.client.me(),
      () => {
        void this.devices.reload({ quiet: true });
        // Loaded once the profile shows, so that the panels open at once when asked for.
        void this.loadPanels();
      },
    );
  }

  get t(): MfaStrings {
    return this.uses.t();
  }
  get client(): MfaClient {
    return this.uses.client();
  }
  date(iso: string): string {
    return this.uses.date(iso);
  }
  pending<T>(loader: Loader<T>): TemplateResult | null {
    return this.uses.pending(loader);
  }

  get phase(): Phase {
    return this.current;
  }
  set phase(phase: Phase) {
    this.current = phase;
    (this.el as ReactiveControllerHost).requestUpdate();
  }

  /** The panels, at once when a page's element already loaded them. */
  private adoptPanels() {
    if (!this.panels && panelsModule) {
      this.panels = panelsModule;
      const root = this.el.renderRoot as ShadowRoot;
      const sheet = panelsModule.panelStyles.styleSheet;
      if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
    return this.panels;
  }

  async loadPanels(): Promise<Panels> {
    panelsModule ??= await this.uses.panels();
    return this.adoptPanels() as Panels;
  }

  /** Moves focus, after the next render, to the first of `selectors` (comma-separated) found. */
  focus(selectors: string): Promise<boolean> {
    return focusAfterRender(this.el, ...selectors.split(', '));
  }

  /** Opens `phase` (its panel loaded first, where it is not yet) and focuses `focus` in it. */
  async open(phase: Phase, focus: string): Promise<void> {
    if (!this.adoptPanels()) await this.loadPanels();
    this.phase = phase;
    this.act.clear();
    void this.focus(focus);
  }

  /** Back to the profile, with focus on `focus` (the control that opened what is closed). */
  cancel(focus: string): void {
    this.phase = { name: 'idle' };
    this.act.clear();
    void this.focus(focus);
  }

  /**
   * Runs `action` (`perform`), then moves focus to what it brought (the setup's code field, the
   * codes, Set up after a removal …) or, after a failure, back to the control that started it.
   * When the server asks for a step-up first, it opens in the action's section.
   */
  async run(action: Action, perform: () => Promise<void>): Promise<void> {
    const passkey = typeof action === 'object';
    const where: Where = passkey ? 'passkeys' : 'app';
    if (!this.act.begin(where)) return;
    try {
      await perform();
    } catch (err) {
      if (err instanceof DOMException) {
        // The browser's dialog was closed or refused (an authenticator that already holds one: InvalidStateError).
        this.phase = { name: 'idle' };
        this.act.end(
          where,
          err.name === 'InvalidStateError' ? this.t.passkeyExists : this.t.passkeyCancelled,
        );
      } else {
        const error = toApiError(err);
        if (error.code === 'step_up_required') {
          const [{ StepUp }] = await Promise.all([import('../step-up.ts'), this.loadPanels()]);
          this.stepUp ??= new StepUp(this.el);
          this.act.end(where);
          this.phase = { name: 'step-up', action, accepts: stepUpAccepts(error, this.me.value), perform };
          await this.stepUp.focus();
          return;
        }
        if (action !== 'setup' && action !== 'regenerate') this.phase = { name: 'idle' };
        this.act.fail(where, error);
      }
    }
    await focusAfterRender(this.el, ...(focusAfter[passkey ? 'passkey' : action] ?? []));
  }

  /** The inline step-up for `phase`'s action, in the section of that action, with Cancel (back to `back`). */
  renderStepUp(phase: Extract<Phase, { name: 'step-up' }>, back: string) {
    const action = phase.action;
    const name = typeof action === 'object' ? action.name : action;
    const why = this.panels?.words(this).stepUpFor[name] ?? this.t.stepUp;
    return html`<div class="panel">
      ${this.stepUp?.render(() => void this.run(action, phase.perform), why, '', phase.accepts)}
      <div class="actions"><button type="button" @click=${() => this.cancel(back)}>${this.t.cancel}</button></div>
    </div>`;
  }
}
