import { css } from 'lit';

export const styles = css`
  .panel {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1rem;
    margin: 0.75rem 0;
  }
  .passkeys,
  .devices,
  .passkey-list {
    list-style: none;
    margin: 0 0 0.75rem;
    padding: 0;
  }
  .passkey-list > li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.25rem 1rem;
    padding: 0.5rem 0;
    border-bottom: 1px solid var(--_border);
  }
  .passkey-list > li > p,
  .passkey-list > li > form {
    flex-basis: 100%;
    margin: 0;
  }
  .passkey-list .actions {
    margin-top: 0;
  }
  .passkey-info {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .passkey-name {
    font-weight: 600;
  }
  .passkey-dates {
    display: block;
  }
  .badge {
    display: inline-block;
    margin-left: 0.5rem;
    padding: 0 0.5rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    font-size: 0.8rem;
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
  .lead {
    border-left: 3px solid var(--_accent);
    padding-left: 0.75rem;
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
  .required li .muted {
    display: block;
  }
  .status .muted {
    margin-left: 0.25rem;
  }
`;
