import { css } from 'lit';
import { theme } from './theme.ts';

/** The theme, and what the elements share: headings, text, fields, messages, the SSO caution. */
export const tokens = css`
  ${theme}
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-fg);
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
  .link {
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
