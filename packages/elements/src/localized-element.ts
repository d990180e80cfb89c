import { LitElement, type PropertyDeclarations } from 'lit';
import type { MfaStrings } from './strings/mfa-strings.ts';

/** `defaults` with `s` over them, one level deep (`modeLabels: { optional }` replaces that label only). */
function mergeStrings(defaults: Partial<MfaStrings>, s: Partial<MfaStrings>): MfaStrings {
  const merged: Record<string, unknown> = { ...defaults, ...s };
  for (const [key, value] of Object.entries(s)) {
    const base = (defaults as Record<string, unknown>)[key];
    if (value && typeof value === 'object' && base && typeof base === 'object')
      merged[key] = { ...base, ...value };
  }
  return merged as unknown as MfaStrings;
}

/**
 * The least an mfakit element is: the `api-base` attribute, the `strings` to localise, and
 * dates formatted with `Intl` in the page's language. `MfaElement` adds the shared client,
 * loading and errors; `<mfa-nudge>` stands on this alone, to stay small.
 */
export class LocalizedElement extends LitElement {
  static override properties: PropertyDeclarations = {
    apiBase: { attribute: 'api-base' },
    strings: { attribute: false },
  };
  /** Where the mfakit HTTP API is mounted. */
  apiBase = '/mfa';

  /** Replacements for any of the user-visible strings (see `MfaStrings`). */
  strings: Partial<MfaStrings> = {};

  /**
   * The English words this element shows: each element lists its own, so a page
   * ships only the words of the elements it loads (`en` has them all).
   */
  protected readonly defaults: Partial<MfaStrings> = {};

  private merged: { from: Partial<MfaStrings>; t: MfaStrings } | undefined;

  /**
   * The defaults with `strings` over them, merged again only when `strings` is
   * replaced (as lit sees a change: a new object, not one changed in place).
   */
  protected get t(): MfaStrings {
    const s = this.strings;
    if (this.merged?.from !== s) this.merged = { from: s, t: mergeStrings(this.defaults, s) };
    return this.merged.t;
  }

  /**
   * The language of the nearest `lang` on the element or an ancestor, also
   * across shadow roots (a manager inside `<mfa-settings lang="de">` formats in German).
   */
  protected get locale(): string | undefined {
    for (let node: Element | null = this; node; ) {
      const lang = node.closest('[lang]')?.getAttribute('lang');
      if (lang) return lang;
      const root = node.getRootNode();
      node = root instanceof ShadowRoot ? root.host : null;
    }
    return document.documentElement.lang || undefined;
  }

  protected formatDate(iso: string | null | undefined, withTime = false): string {
    if (!iso) return '';
    return new Intl.DateTimeFormat(this.locale, {
      dateStyle: 'medium',
      timeStyle: withTime ? 'short' : undefined,
    }).format(new Date(iso));
  }
}
