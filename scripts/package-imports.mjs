// Every import a published package makes, checked against what it ships: a
// relative import (static, dynamic, `export … from`, a declaration's
// `import('…')` type) must name a file in the package, and a bare one a
// dependency of it (peers and @types/ included) or a Node built-in. Files under
// a self-contained folder (the elements' `cdn/`) may import only each other.
//
// Used by the packages' builds (`node scripts/package-imports.mjs packages/elements`)
// and by packages/interop's test of the packed tarballs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, resolve, sep } from 'node:path';
import ts from 'typescript';

const builtins = new Set(builtinModules);

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * What in the package at `dir` (an unpacked tarball, or a package folder) imports
 * what it lacks: one line per import, `file: 'specifier' (why)`; empty when all
 * resolve. `files` (paths relative to `dir`, `/`-separated) defaults to every
 * file under `dir` but node_modules; `selfContained` lists folders whose files may
 * import only files in the package.
 *
 * @example
 *   unresolvedImports('/tmp/unpacked/package', { selfContained: ['cdn/'] }) // → []
 */
export function unresolvedImports(dir, { files, selfContained = [] } = {}) {
  const all = (files ?? listFiles(dir)).map((f) => f.split(sep).join('/'));
  const present = new Set(all);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const declared = new Set(
    [pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies].flatMap((d) => Object.keys(d ?? {})),
  );
  const problems = [];
  for (const file of all) {
    const declaration = file.endsWith('.d.ts');
    if (!declaration && !/\.(m?js)$/.test(file)) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const { fileName: specifier } of importedFiles) {
      const why = whyUnresolved(specifier, file, declaration);
      if (why) problems.push(`${file}: '${specifier}' (${why})`);
    }
  }
  return problems;

  function whyUnresolved(specifier, file, declaration) {
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      if (specifier.startsWith('/')) return 'an absolute path';
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (target.startsWith('..')) return 'outside the package';
      if (present.has(target)) return null;
      // A declaration's `./x.js` is `./x.d.ts` to TypeScript.
      if (declaration && /\.js$/.test(target) && present.has(target.replace(/\.js$/, '.d.ts'))) return null;
      return /\.ts$/.test(specifier) && !declaration ? 'TypeScript source, not shipped' : 'no such file';
    }
    if (selfContained.some((folder) => file.startsWith(folder)))
      return 'a package, in a self-contained build';
    if (specifier.startsWith('node:') || builtins.has(specifier)) return null;
    const name = packageName(specifier);
    if (name === pkg.name || declared.has(name)) return null;
    // A declaration may name a package's types through its @types/ package.
    const typesName = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
    if (declaration && declared.has(typesName)) return null;
    return 'not a dependency';
  }
}

/** Every file under `dir`, relative to it, but node_modules. */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => !f.split(sep).includes('node_modules') && statSync(join(dir, f)).isFile(),
  );
}

// As a script: check the built files of the package folder given (dist/, and cdn/ when there).
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dir = resolve(process.argv[2] ?? '.');
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files = listFiles(dir).filter((f) => /^(dist|cdn)[/\\]/.test(f));
  const problems = unresolvedImports(dir, { files, selfContained: ['cdn/'] });
  if (problems.length > 0) {
    console.error(`${name}: imports of what it ships that do not resolve:`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  console.log(`${name}: every import of its ${files.length} built files resolves`);
}
