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
  .qr {
    width: 200px;
    height: 200px;
    background: #ffffff;
    padding: 8px;
    border-radius: var(--_radius);
    box-sizing: content-box;
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
  .codes {
    columns: 2;
    padding-left: 1.5rem;
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
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
