import { css } from 'lit';

export const styles = css`
.bar { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; margin-bottom: 0.75rem; }
.filters { display: flex; flex-wrap: wrap; gap: 0.25rem; }
.filters [aria-pressed='true'] { background: var(--_accent); border-color: var(--_accent); color: var(--_accent-fg); }
input, textarea { font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.4rem 0.6rem; width: 100%; }
.search { flex: 1 1 14rem; }
small { font-weight: 400; }
section { container-type: inline-size; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: start; padding: 0.45rem 0.5rem; border-bottom: 1px solid var(--_border); vertical-align: top; overflow-wrap: break-word; }
/* An address is one long word: it may break anywhere, so that the table fits its card (German too); words elsewhere break only between them. */
td.email { overflow-wrap: anywhere; }
.cell-label { display: none; }
@container (max-width: 40rem) {
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr, th, td { display: block; border: 0; padding: 0.1rem 0; }
  tr { border-bottom: 1px solid var(--_border); padding: 0.5rem 0; }
  .cell-label { display: inline; color: var(--_muted); }
  .cell-label::after { content: ': '; }
}
.overdue { color: var(--_danger); font-weight: 600; }
.reminded { display: block; }
dialog { width: min(34rem, calc(100vw - 2rem)); max-height: calc(100vh - 2rem); border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); color: var(--_fg); padding: 1.25rem; }
dialog::backdrop { background: rgb(0 0 0 / 0.45); }
.danger { background: var(--_danger); border-color: var(--_danger); color: var(--_bg); }
`;
