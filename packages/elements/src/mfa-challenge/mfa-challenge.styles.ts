import { css } from 'lit';

export const styles = css`
  #hint {
    margin: 0 0 0.25rem;
  }
  input {
    max-width: 100%;
    width: 10ch;
    font-size: 1.25rem;
    letter-spacing: 0.2em;
    font-variant-numeric: tabular-nums;
  }
  input[name='recoveryCode'] {
    width: 16ch;
    letter-spacing: 0.05em;
  }
  .check input {
    width: 1.25rem;
    height: 1.25rem;
    accent-color: var(--_accent);
  }
  #message:empty {
    margin: 0;
  }
`;
