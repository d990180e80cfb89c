import { css } from 'lit';

export const styles = css`
  .panel {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1rem;
    margin: 0.75rem 0;
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
