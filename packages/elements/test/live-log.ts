/**
 * What an element's live regions say, as a screen reader would hear it: every text written
 * into a `role=status`, `role=alert` or `aria-live` region of its shadow root (and of the
 * shadow roots inside it), one entry per change that leaves the region non-empty.
 */
export function liveLog(el: Element): { said: string[]; stop: () => void } {
  const said: string[] = [];
  const observers: MutationObserver[] = [];
  const regionOf = (node: Node | null): Element | null => {
    const element = node instanceof Element ? node : (node?.parentElement ?? null);
    return element?.closest('[role=status], [role=alert], [aria-live]') ?? null;
  };
  const watch = (root: ShadowRoot) => {
    const observer = new MutationObserver((records) => {
      const changed = new Set<Element>();
      for (const record of records) {
        const region = regionOf(record.target);
        if (region && region.getAttribute('aria-live') !== 'off') changed.add(region);
        for (const node of record.addedNodes) {
          if (node instanceof Element && node.matches('[role=status], [role=alert], [aria-live]'))
            changed.add(node);
          if (node instanceof Element && node.shadowRoot) watch(node.shadowRoot);
        }
      }
      for (const region of changed) {
        const text = (region.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (text) said.push(text);
      }
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
    observers.push(observer);
  };
  if (el.shadowRoot) watch(el.shadowRoot);
  return {
    said,
    stop: () => {
      for (const o of observers) o.disconnect();
    },
  };
}

/** The element focused inside `el`'s shadow root (not the page's). */
export function focusedIn(el: Element): Element | null {
  return el.shadowRoot?.activeElement ?? null;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Where focus is inside `el`'s shadow root, as a short string (`input#gracePeriodDays`,
 * `a "Set up MFA in your profile"`): compared as text, a failure reads well and never makes
 * the runner serialise a DOM node.
 */
export function focusIn(el: Element): string {
  const active = focusedIn(el);
  if (!active) return 'nothing';
  const name = active.id
    ? `#${active.id}`
    : ` "${(active.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`;
  return `${active.tagName.toLowerCase()}${name}`;
}
