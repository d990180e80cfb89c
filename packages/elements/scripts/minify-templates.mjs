// Collapses the layout whitespace inside the elements' `html` and `css` tagged
// templates: in markup, a run of whitespace that holds a line break becomes one
// space; in CSS, comments go and spaces where CSS needs none.
// A page's bundler minifies the JavaScript around the templates but leaves
// their text as written, so without this every element would ship its source
// indentation. The rendered result is the same: HTML collapses such a run into
// one space anyway (no template here holds `white-space: pre` text), and CSS
// ignores it; values interpolated with `${…}` are never touched.
//
// Used by the published build (scripts/build.mjs, over dist/) and by the size
// check (scripts/size.mjs, as a Vite plugin over src/).
import ts from 'typescript';

const TAGS = new Set(['html', 'css', 'svg']);

/** `code` with the whitespace of its `html`/`css`/`svg` templates collapsed. */
export function minifyTemplates(code, fileName = 'module.ts') {
  if (!/\b(html|css|svg)\s*`/.test(code)) return code;
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false);
  /** [start, end] of each piece of template text, in source order. */
  const pieces = [];
  const visit = (node) => {
    const tag = ts.isTaggedTemplateExpression(node) ? tagName(node.tag) : '';
    if (TAGS.has(tag)) {
      const template = node.template;
      const parts = ts.isNoSubstitutionTemplateLiteral(template)
        ? [template]
        : [template.head, ...template.templateSpans.map((span) => span.literal)];
      for (const part of parts) pieces.push({ part, minify: tag === 'css' ? minifyCss : minifyMarkup });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (pieces.length === 0) return code;
  let out = '';
  let at = 0;
  for (const { part, minify } of pieces.sort((a, b) => a.part.getStart(source) - b.part.getStart(source))) {
    const start = part.getStart(source);
    const end = part.getEnd();
    // The text between the delimiters (` or } before, ` or ${ after) is what the template holds.
    const text = code.slice(start, end);
    const open = 1;
    const close = text.endsWith('${') ? 2 : 1;
    let body = minify(text.slice(open, -close));
    // In CSS, space at either end of the sheet is nothing (next to an interpolation it may separate a selector).
    if (minify === minifyCss && text.startsWith('`')) body = body.trimStart();
    if (minify === minifyCss && text.endsWith('`')) body = body.trimEnd();
    out += code.slice(at, start) + text.slice(0, open) + body + text.slice(-close);
    at = end;
  }
  return out + code.slice(at);
}

const minifyMarkup = (text) => text.replace(/\s*\n\s*/g, ' ');

/**
 * CSS: no comments, no spaces where CSS needs none (around `{ } ; , >` and after `:`), no `;`
 * before a `}`, and no leading zero of a fraction (`0.5rem` is `.5rem`).
 */
const minifyCss = (text) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}')
    .replace(/(^|[\s:,(/-])0(\.\d)/g, '$1$2');

function tagName(tag) {
  if (ts.isIdentifier(tag)) return tag.text;
  if (ts.isPropertyAccessExpression(tag)) return tag.name.text;
  return '';
}

/** The same, as a Vite plugin for the TypeScript files under `srcDir`. */
export function minifyTemplatesPlugin(srcDir) {
  return {
    name: 'minify-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!id.startsWith(srcDir) || !id.endsWith('.ts')) return null;
      return { code: minifyTemplates(code, id), map: null };
    },
  };
}
