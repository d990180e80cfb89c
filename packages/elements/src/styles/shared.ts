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

export const tokens = css`
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
  h2,
  h3 {
    margin: 0 0 0.5rem;
    font-size: 1.1rem;
    line-height: 1.3;
  }
  h3 {
    font-size: 1rem;
  }
  p {
    margin: 0.25rem 0 0.75rem;
  }
  .muted {
    color: var(--_muted);
  }
  /* A checkbox and its label on one line. */
  .check {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-weight: 400;
    margin-top: 0.75rem;
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
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-fg);
  }
  button.link {
    border: none;
    background: none;
    color: var(--_accent);
    padding: 0.25rem 0;
    text-decoration: underline;
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  input[type='text'],
  input[type='number'] {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.4rem 0.6rem;
  }
  label {
    display: block;
    font-weight: 600;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
    align-items: center;
    margin-top: 0.75rem;
  }
  .error {
    color: var(--_danger);
  }
  .success {
    color: var(--_success);
  }
  .caution {
    background: var(--_caution-bg);
    color: var(--_caution-fg);
    border-radius: var(--_radius);
    padding: 0.6rem 0.8rem;
    margin: 0.5rem 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
