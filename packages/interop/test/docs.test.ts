/**
 * The documentation stays true to the code. A snippet marked
 * `<!-- snippet: path/of/the/file.ts -->` is code a test runs: each name it
 * imports, the file imports from the same module, and each of its other lines
 * (blank lines and comment lines aside) is a line of that file. Every relative
 * link leads to a file that exists, and to a heading there when it names one;
 * every page of docs/ is reachable from the README.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../../..');
const pages = [
  'README.md',
  ...readdirSync(join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(repo, 'packages'))
    .map((p) => `packages/${p}/README.md`)
    .filter((f) => existsSync(join(repo, f))),
];
const read = (page: string) => readFileSync(join(repo, page), 'utf8');

/** The names a file imports from each module (`import { a, type B } from 'm'`; `import 'm'`: none). */
function importsOf(code: string): Map<string, Set<string>> {
  const imports = new Map<string, Set<string>>();
  for (const [, names = '', from] of code.matchAll(/^import (?:\{([^}]*)\} from )?'([^']+)';$/gm)) {
    const known = imports.get(from as string) ?? new Set<string>();
    for (const name of names.split(',')) if (name.trim()) known.add(name.replace(/^\s*type /, '').trim());
    imports.set(from as string, known);
  }
  return imports;
}

/** The marked snippets of a page: the file each names, and its code. */
function snippetsOf(page: string) {
  return [...read(page).matchAll(/<!-- snippet: (\S+) -->\n```\w+\n([\s\S]*?)```/g)].map((m) => ({
    file: m[1] as string,
    code: m[2] as string,
  }));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('the documentation', () => {
  it('has marked snippets, in the README and the runtimes page at least', () => {
    const marked = pages.filter((page) => snippetsOf(page).length > 0);
    expect(marked).toContain('README.md');
    expect(marked).toContain('docs/runtimes.md');
    // A marker that does not sit right above a fenced block would be silently ignored.
    for (const page of pages) {
      expect(read(page).match(/<!-- snippet:/g)?.length ?? 0, page).toBe(snippetsOf(page).length);
    }
  });

  it.each(pages)('%s: each marked snippet is in the file its marker names', (page) => {
    for (const { file, code } of snippetsOf(page)) {
      expect(existsSync(join(repo, file)), `${page}: ${file}`).toBe(true);
      const source = read(file);
      const lines = new Set(source.split('\n').map((line) => line.trim()));
      const imported = importsOf(source);
      for (const [from, names] of importsOf(code)) {
        expect(imported.has(from), `${page} → ${file} imports ${from}`).toBe(true);
        for (const name of names) expect(imported.get(from), `${page} → ${file}: ${name}`).toContain(name);
      }
      for (const line of code.split('\n').filter((l) => l.trim() && !/^\s*(\/\/|import )/.test(l))) {
        expect(lines.has(line.trim()), `${page} → ${file}: ${line.trim()}`).toBe(true);
      }
    }
  });

  it.each(pages)('%s: every relative link leads to a file, and to its heading', (page) => {
    const text = read(page).replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:)/.test(target as string)) continue;
      const [path = '', anchor] = (target as string).split('#');
      const file = path ? join(dirname(join(repo, page)), path) : join(repo, page);
      expect(existsSync(file), `${page}: ${target}`).toBe(true);
      if (anchor && file.endsWith('.md')) {
        const headings = [...readFileSync(file, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) =>
          anchorOf(m[1] as string),
        );
        expect(headings, `${page}: ${target}`).toContain(anchor);
      }
    }
  });

  it('reaches every page of docs/ from the README', () => {
    const linked = new Set([...read('README.md').matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]));
    const docs = pages.filter((page) => page.startsWith('docs/'));
    expect(docs.filter((page) => !linked.has(page))).toEqual([]);
    expect(relative(repo, join(repo, 'docs'))).toBe('docs');
  });
});
