// Builds the four elements with lit (and @lit/context) into one minified ES
// module, as a page would ship them, and prints its gzipped size against the budget.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET = 20 * 1024;
// Not dist/: that is the published build (scripts/build.mjs).
const outDir = mkdtempSync(join(tmpdir(), 'mfakit-size-'));

const result = await build({
  root,
  logLevel: 'warn',
  build: {
    outDir,
    emptyOutDir: true,
    minify: true,
    target: 'es2022',
    lib: { entry: join(root, 'src/index.ts'), formats: ['es'], fileName: () => 'mfakit-elements.js' },
  },
});

const code = readFileSync(join(outDir, 'mfakit-elements.js'));
rmSync(outDir, { recursive: true, force: true });
const gzip = gzipSync(code, { level: 9 }).length;
const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
// Types come from the server SDK as type-only imports: none of its runtime may reach the browser.
const modules = [result]
  .flat()
  .flatMap((r) => r.output ?? [])
  .flatMap((chunk) => chunk.moduleIds ?? []);
const leaked = modules.filter((id) => /node_modules\/(zod|otplib|qrcode|hono)\/|server-sdk/.test(id));
if (modules.length === 0 || leaked.length > 0) {
  console.error(`unexpected modules in the bundle: ${leaked.join(', ') || 'none listed'}`);
  process.exit(1);
}
console.log(`elements bundle: ${kB(code.length)} minified, ${kB(gzip)} gzipped (budget ${kB(BUDGET)})`);
if (gzip > BUDGET) {
  console.error('over budget');
  process.exit(1);
}
