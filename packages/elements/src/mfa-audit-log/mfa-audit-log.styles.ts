import { css } from 'lit';

export const styles = css`
.filters { display: flex; flex-wrap: wrap; gap: 0.25rem; margin-bottom: 0.75rem; }
.filters [aria-pressed='true'] { background: var(--_accent); border-color: var(--_accent); color: var(--_accent-fg); }
ol { list-style: none; margin: 0; padding: 0; }
li { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 1rem; padding: 0.45rem 0; border-bottom: 1px solid var(--_border); }
time { color: var(--_muted); white-space: nowrap; }
`;
