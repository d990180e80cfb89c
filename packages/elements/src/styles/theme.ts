import { css } from 'lit';

/**
 * Design tokens: every colour, radius and font comes from a `--mfa-*` custom
 * property with a light default, a dark one under `prefers-color-scheme: dark`,
 * and `theme="light" | "dark"` on the element to force either.
 */
const dark = css`
  --_bg: var(--mfa-bg, #0d1117);
  --_fg: var(--mfa-fg, #e6edf3);
  --_muted: var(--mfa-muted, #9da7b3);
  --_border: var(--mfa-border, #3d444d);
  --_accent: var(--mfa-accent, #4493f8);
  --_accent-fg: var(--mfa-accent-fg, #0d1117);
  --_danger: var(--mfa-danger, #ff7b72);
  --_success: var(--mfa-success, #3fb950);
  --_caution-bg: var(--mfa-caution-bg, #3b2e00);
  --_caution-fg: var(--mfa-caution-fg, #f2cc60);
  --_surface: var(--mfa-surface, #161b22);
  --_focus: var(--mfa-focus, #4493f8);
`;

/**
 * The theme: the tokens, light and dark, on the host, and a button and focus drawn with them.
 * All the smallest element (`<mfa-nudge>`) needs; `tokens` adds what the others share.
 */
export const theme = css`
  :host {
    --_bg: var(--mfa-bg, #ffffff);
    --_fg: var(--mfa-fg, #1b1f24);
    --_muted: var(--mfa-muted, #57606a);
    --_border: var(--mfa-border, #d0d7de);
    --_accent: var(--mfa-accent, #0b5cd5);
    --_accent-fg: var(--mfa-accent-fg, #ffffff);
    --_danger: var(--mfa-danger, #b42318);
    --_success: var(--mfa-success, #1a7f37);
    --_caution-bg: var(--mfa-caution-bg, #fff8e1);
    --_caution-fg: var(--mfa-caution-fg, #5c4400);
    --_surface: var(--mfa-surface, #f6f8fa);
    --_radius: var(--mfa-radius, 8px);
    --_focus: var(--mfa-focus, #0b5cd5);
    display: block;
    /* The element paints its own background so its colours keep their contrast on any page. */
    background: var(--_bg);
    color: var(--_fg);
    font: var(--mfa-font, 400 0.95rem/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([theme='dark']) {
    ${dark}
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  button {
    font: inherit;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
    padding: 0.4rem 0.9rem;
    cursor: pointer;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;
