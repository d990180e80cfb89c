import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';

/**
 * A polite live region that says one thing once: a success the user should hear
 * ("Policy saved.", "Passkey added."), new rows after **Load more**, the end of a wait.
 * The region is rendered from the first render on (a region that appears together with
 * its text is not announced reliably), stays visually hidden, and is written only when
 * `say()` is called: never per keystroke or per second. Saying the same words twice
 * clears the region first, so the second time is heard too.
 *
 * @example
 * private readonly live = new Announcer(this);
 * render() { return html`…${this.live.render()}`; }
 * this.live.say(this.t.saved);
 */
export class Announcer {
  private text = '';
  private serial = 0;

  constructor(private readonly host: ReactiveControllerHost) {}

  /** Announces `text` (politely), replacing what the region said before. */
  say(text: string): void {
    const serial = ++this.serial;
    this.text = '';
    this.host.requestUpdate();
    // Written after the emptied region is rendered: a change screen readers hear.
    void this.host.updateComplete.then(() => {
      if (serial !== this.serial) return;
      this.text = text;
      this.host.requestUpdate();
    });
  }

  render(): TemplateResult {
    return html`<div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-live>${this.text}</div>`;
  }
}

/**
 * Moves focus, after the host's next render, to the first element of its shadow root that
 * matches one of `selectors` (in order): after an action that re-renders or disables the
 * button that had focus, focus goes somewhere meaningful instead of the page's body.
 * Answers whether something took focus.
 */
export async function focusAfterRender(
  host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment },
  ...selectors: string[]
): Promise<boolean> {
  await host.updateComplete;
  for (const selector of selectors) {
    const target = host.renderRoot.querySelector<HTMLElement>(selector);
    if (target) {
      target.focus();
      return true;
    }
  }
  return false;
}

/**
 * After a load that replaced the control that had focus (**Try again**, a verification):
 * focus moves to the heading of `scope` (its section), else of the host, never the page.
 */
export async function focusHeading(
  host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment },
  scope: Element | null,
): Promise<void> {
  await host.updateComplete;
  const heading = (scope?.isConnected ? scope : host.renderRoot).querySelector<HTMLElement>('h2, h3');
  if (!heading) return;
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus();
}
