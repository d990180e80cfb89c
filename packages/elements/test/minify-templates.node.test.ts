/**
 * The published build and the size check collapse the indentation inside the
 * elements' templates (scripts/minify-templates.mjs). It must touch only the
 * text of `html`/`css`/`svg` templates, never what they interpolate, other
 * strings, or whitespace that holds no line break.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the code under test is source text with templates in it
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script, plain JavaScript
import { minifyTemplates } from '../scripts/minify-templates.mjs';

const minify = minifyTemplates as (code: string, fileName?: string) => string;

describe('minifyTemplates', () => {
  it('collapses a run of whitespace with a line break in html templates to one space', () => {
    const code = 'const a = html`\n  <p>\n      Hello <b>you</b>\n    </p>\n`;';
    expect(minify(code)).toBe('const a = html` <p> Hello <b>you</b> </p> `;');
  });

  it('drops comments and needless spaces in css templates, not the ones CSS reads', () => {
    const code =
      'css`\n  /* a note */\n  :host > .a .b:hover,\n  .c { margin: 0 auto; }\n  @media (max-width: 30rem) { .d ${x} .e { color: red } }\n`';
    expect(minify(code)).toBe(
      'css`:host>.a .b:hover,.c{margin:0 auto}@media (max-width:30rem){.d ${x} .e{color:red}}`',
    );
  });

  it("drops a fraction's leading zero in css, not a zero of its own", () => {
    expect(minify('css`a { margin: 0.5rem -0.25rem 0 10.5px; font: 400 0.95rem/1.5 x; }`')).toBe(
      'css`a{margin:.5rem -.25rem 0 10.5px;font:400 .95rem/1.5 x}`',
    );
  });

  it('finds templates as the TypeScript compiler emits them (`css ` with a space)', () => {
    expect(minify('export const s = css `\n  a {\n    b: c;\n  }\n`;')).toBe(
      'export const s = css `a{b:c}`;',
    );
  });

  it('keeps interpolations, nested templates and spaces without a line break', () => {
    const code = 'html`<ul>\n  ${items.map((i) => html`<li>\n    ${i}  x\n  </li>`)}\n  <b>a  b</b>\n</ul>`';
    expect(minify(code)).toBe('html`<ul> ${items.map((i) => html`<li> ${i}  x </li>`)} <b>a  b</b> </ul>`');
  });

  it('leaves other templates, strings and comments alone', () => {
    const code = 'const s = `a\n  b`;\nconst t = "x\\n  y";\n// html`\n  `\nconst u = other`c\n  d`;';
    expect(minify(code)).toBe(code);
  });

  it('keeps the source valid and the expressions in place for every element', () => {
    const src = join(import.meta.dirname, '../src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    let shrunk = 0;
    for (const file of files) {
      const code = readFileSync(join(src, file), 'utf8');
      const out = minify(code, file);
      // Same tokens apart from whitespace, CSS comments, a `;` before `}` and a fraction's leading
      // zero (what CSS reads the same); the interpolations are all still there.
      const tokens = (text: string) =>
        text
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/(^|[\s:,(/-])0(\.\d)/g, '$1$2')
          .replace(/\s+/g, '')
          .replace(/;}/g, '}');
      expect(tokens(out), file).toBe(tokens(code));
      expect(out.split('${').length, file).toBe(code.split('${').length);
      if (out.length < code.length) shrunk++;
    }
    expect(shrunk).toBeGreaterThan(10);
  });
});
