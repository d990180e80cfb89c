import { css } from 'lit';

export const styles = css`
  .head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: center;
    gap: 0.5rem 1rem;
  }
  .head h2 {
    min-width: 0;
    overflow-wrap: break-word;
  }
  .policy {
    display: grid;
    gap: 0.1rem;
    margin: 0.5rem 0;
  }
  .policy .label {
    font-size: 1.05rem;
  }
  dialog {
    width: min(40rem, calc(100vw - 2rem));
    max-height: calc(100vh - 2rem);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    padding: 1.25rem;
    /* Room for the manager's actions below, so that what gets focus is never under them. */
    scroll-padding-bottom: 6rem;
  }
  /* Save and Cancel stay in view while the policy scrolls (three screens of it on a phone). */
  mfa-policy-manager::part(actions) {
    position: sticky;
    bottom: -1.25rem;
    z-index: 1;
    background: var(--_bg);
    margin: 0.75rem 0 -1.25rem;
    padding: 0.5rem 0 1.25rem;
    border-top: 1px solid var(--_border);
  }
  mfa-members,
  mfa-audit-log {
    margin-top: 1.5rem;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
`;
