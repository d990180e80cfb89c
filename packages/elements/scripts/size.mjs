// Builds the elements as a page would ship them (lit and @lit/context included,
// minified ES modules, split into shared chunks) and prints what each page
// loads, gzipped, against the budgets:
//  - a page with one element (its entry point, `@mfakit/elements/mfa-challenge`
//    …) loads at most 15 kB when it shows the element: the entry and the chunks
//    it imports. What the element loads later, only when asked to (the policy
//    dialog behind Manage, the step-up challenge, the passkey dialog's
//    conversions), is printed beside it, and counts in the total below.
//  - `<mfa-nudge>`, a banner a portal puts on its home page, loads at most 8 kB:
//    lit (about 5.7 kB) and little more (it takes the theme, not the shared styles,
//    and calls the API without the client).
//  - all elements together, everything any of them can load: at most 30 kB. (26 kB
//    while there were four elements and no field-level errors, announcements or
//    guidance; the page budget, what a visitor loads, is unchanged.)
// Each file is gzipped on its own (-9), as a server sends it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { minifyTemplatesPlugin } from './minify-templates.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
const PAGE_BUDGET = 15 * 1024;
/** Pages held to less than `PAGE_BUDGET`. */
const PAGE_BUDGETS = { 'mfa-nudge': 8 * 1024 };
const ALL_BUDGET = 30 * 1024;

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Every element's own entry point, from the package's exports (`./mfa-…`). */
const elements = Object.entries(pkg.exports)
  .filter(([name]) => /^\.\/mfa-[a-z-]+$/.test(name))
  .map(([name, file]) => [name.slice(2), join(root, file)]);
if (elements.length === 0) {
  console.error('no element entry points in package.json exports');
  process.exit(1);
}

/** A production build of `entry` alone, as a page's bundler would make it; its chunks. */
async function bundle(entry, { plugins = [], inline = false } = {}) {
  const result = await build({
    root,
    logLevel: 'silent',
    plugins: [minifyTemplatesPlugin(join(root, 'src')), ...plugins],
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: () => 'page.js' },
      // A page's bundler minifies all of it; Vite's library mode alone keeps the whitespace.
      rollupOptions: { output: { codeSplitting: !inline, minify: true } },
    },
  });
  return [result]
    .flat()
    .flatMap((r) => r.output ?? [])
    .filter((o) => o.type === 'chunk');
}

const gzip = (chunks) => chunks.reduce((n, c) => n + gzipSync(c.code, { level: 9 }).length, 0);

/**
 * What a page with only `entry` loads, gzipped: `shown`, when the element shows
 * (every module reached by static imports, as one file: the modules it loads
 * only later are left out), and `everything`, with all it can load later.
 */
async function page(entry) {
  const split = await bundle(entry);
  const byName = new Map(split.map((c) => [c.fileName, c]));
  const staticModules = new Set();
  const visit = (name, seen = new Set()) => {
    if (seen.has(name)) return;
    seen.add(name);
    const chunk = byName.get(name);
    for (const id of Object.keys(chunk?.modules ?? {})) staticModules.add(id);
    for (const next of chunk?.imports ?? []) visit(next, seen);
  };
  visit('page.js');
  const later = new Set(split.flatMap((c) => Object.keys(c.modules)).filter((id) => !staticModules.has(id)));
  const leaveOutLater = {
    name: 'leave-out-later',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && later.has(resolved.id) ? { id: resolved.id, external: true } : null;
    },
  };
  const shownChunks = await bundle(entry, { plugins: [leaveOutLater], inline: true });
  const everythingChunks = await bundle(entry, { inline: true });
  // Types come from the server SDK as type-only imports: none of its runtime may reach the browser.
  const modules = everythingChunks.flatMap((c) => Object.keys(c.modules));
  const leaked = modules.filter((id) =>
    /node_modules\/(zod|otplib|qrcode|hono|@simplewebauthn)\/|server-sdk/.test(id),
  );
  if (modules.length === 0 || leaked.length > 0) {
    console.error(`unexpected modules in the bundle: ${leaked.join(', ') || 'none listed'}`);
    process.exit(1);
  }
  return { shown: gzip(shownChunks), everything: gzip(everythingChunks) };
}

let over = false;
for (const [name, entry] of elements) {
  const { shown, everything } = await page(entry);
  const later = everything - shown;
  const budget = PAGE_BUDGETS[name] ?? PAGE_BUDGET;
  over ||= shown > budget;
  console.log(
    `<${name}>: ${kB(shown)} gzipped when shown (${shown} bytes, budget ${kB(budget)})${later ? `, + ${kB(later)} loaded when needed` : ''}`,
  );
}
const { everything: all } = await page(join(root, 'src/index.ts'));
over ||= all > ALL_BUDGET;
console.log(`all elements: ${kB(all)} gzipped (${all} bytes, budget ${kB(ALL_BUDGET)})`);
if (over) {
  console.error('over budget');
  process.exit(1);
}
