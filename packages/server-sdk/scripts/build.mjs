// Builds the published form of the package: ESM JavaScript and declarations in
// dist/ (tsc, tsconfig.build.json). Runs before every pack (`prepack`); in the
// workspace the package is used from its TypeScript source.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// tsc rewrites `./x.ts` to `./x.js` in JavaScript only; declarations keep the source's specifiers.
for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.d.ts')) continue;
  const file = join(dist, entry);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/((?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2'));
}

// Every import of what ships resolves to a file that ships, or to a dependency.
const check = spawnSync(process.execPath, [join(root, '../../scripts/package-imports.mjs'), root], {
  stdio: 'inherit',
});
if (check.status !== 0) process.exit(check.status ?? 1);
