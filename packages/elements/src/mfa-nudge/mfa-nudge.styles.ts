import { css } from 'lit';

export const styles = css`
  section {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    padding: 0.6rem 0.9rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  p {
    flex: 1 1 18rem;
    margin: 0;
  }
  a {
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--_accent-fg);
    padding: 0.4rem 0.9rem;
    text-decoration: none;
    font-weight: 600;
  }
`;
