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
  #message:empty {
    margin: 0;
  }
`;
