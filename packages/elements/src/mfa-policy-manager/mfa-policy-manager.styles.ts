import { css } from 'lit';

export const styles = css`
  fieldset {
    border: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
  }
  legend {
    font-weight: 600;
    margin-bottom: 0.5rem;
    padding: 0;
  }
  .card {
    display: flex;
    gap: 0.75rem;
    align-items: flex-start;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.75rem;
    font-weight: 400;
    cursor: pointer;
  }
  .card.selected {
    border-color: var(--_accent);
    box-shadow: 0 0 0 1px var(--_accent);
  }
  .card input {
    margin-top: 0.3rem;
    accent-color: var(--_accent);
  }
  .card-label {
    display: block;
    font-weight: 600;
  }
  .card-desc {
    display: block;
    color: var(--_muted);
  }
  .field {
    margin-top: 1rem;
  }
  .field input[type='number'] {
    width: 6rem;
    margin-top: 0.25rem;
  }
  .switch {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0 0.5rem;
    align-items: center;
  }
  .switch p {
    grid-column: 2;
    margin: 0;
  }
  .switch label {
    cursor: pointer;
  }
  /* A switch that looks like one: a track with a thumb, on the right when on. */
  [role='switch'] {
    position: relative;
    width: 2.75rem;
    height: 1.5rem;
    padding: 0;
    border-radius: 1rem;
    border-color: var(--_muted);
  }
  [role='switch']::after {
    content: '';
    position: absolute;
    top: 2px;
    left: 2px;
    width: 1.1rem;
    height: 1.1rem;
    border-radius: 50%;
    background: var(--_muted);
  }
  [aria-checked='true'] {
    background: var(--_accent);
  }
  [aria-checked='true']::after {
    left: auto;
    right: 2px;
    background: var(--_accent-fg);
  }
  .field .error {
    margin: 0.25rem 0 0;
  }
  .impact {
    margin-top: 1rem;
    padding: 0.75rem;
    border-radius: var(--_radius);
    background: var(--_surface);
    border: 1px solid var(--_border);
  }
  .impact ul {
    margin: 0;
    padding-left: 1.25rem;
  }
  .step-up {
    margin-top: 1rem;
  }
  #message {
    flex-basis: 100%;
    margin: 0;
  }
  #message:empty {
    display: none;
  }
`;
