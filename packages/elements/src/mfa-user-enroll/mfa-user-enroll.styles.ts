import { css } from 'lit';

export const styles = css`
  .panel {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1rem;
    margin: 0.75rem 0;
  }
  .qr-row {
    display: flex;
    gap: 1rem;
    flex-wrap: wrap;
    align-items: flex-start;
    margin-bottom: 1rem;
  }
  /* 200 px of code on a white quiet zone, narrower only when its column is (never under 160 px). */
  .qr {
    width: 216px;
    max-width: 100%;
    min-width: 160px;
    height: auto;
    aspect-ratio: 1;
    background: #ffffff;
    padding: 8px;
    border-radius: var(--_radius);
  }
  .qr-row > div {
    min-width: 0;
  }
  button[part='open-app'] {
    display: block;
    margin-top: 0.5rem;
    text-align: start;
  }
  .key-label {
    display: block;
    font-weight: 600;
  }
  .key {
    display: block;
    font: 600 1.05rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace;
    letter-spacing: 0.05em;
    user-select: all;
    word-break: break-word;
    max-width: 22ch;
  }
  /* As many columns as fit, each number in its own cell beside its code, so neighbours never run together. */
  .codes {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(15ch, 1fr));
    gap: 0.25rem 1.5rem;
    margin: 0 0 0.75rem;
    padding: 0;
    list-style: none;
    counter-reset: code;
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  }
  .codes li {
    display: grid;
    grid-template-columns: 3ch auto;
    gap: 0.5ch;
    counter-increment: code;
  }
  .codes li::before {
    content: counter(code) '.';
    text-align: end;
    color: var(--_muted);
  }
  .check {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-weight: 400;
    margin-top: 0.75rem;
  }
  button.danger {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .outdated {
    border-left: 3px solid var(--_danger);
    padding-left: 0.75rem;
  }
  #message:empty {
    margin: 0;
  }
  .required {
    margin-top: 1.25rem;
    padding-top: 1rem;
    border-top: 1px solid var(--_border);
  }
  .required ul {
    margin: 0;
    padding-left: 1.25rem;
  }
  .status .muted {
    margin-left: 0.25rem;
  }
`;
