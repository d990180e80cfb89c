// Builds the published form of the package into dist/: ESM JavaScript and
// declarations (tsc, tsconfig.build.json), then custom-elements.json. Runs
// before every pack (`prepack`); in the workspace the package is used from its
// TypeScript source.
//
// The elements take the API's types from the server SDK (type-only imports), but
// a page that installs only the elements must not need the SDK, its native
// SQLite driver included. So the declarations of the API's bodies (the SDK's
// model.ts, http/types.ts, errors.ts: types with no imports beyond each
// other) are emitted into dist/api/, and the declarations import them from there.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'vite';
import { minifyTemplates } from './minify-templates.mjs';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const sdkSource = join(root, 'node_modules/@mfakit/server-sdk/src');
const bin = (name) => join(root, 'node_modules/.bin', name);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

rmSync(dist, { recursive: true, force: true });

// 1. The API's types, as declarations only.
// biome-ignore format: one option a line is easier to read than the formatter's packing
run(bin('tsc'), [
  '--ignoreConfig', '--declaration', '--emitDeclarationOnly',
  '--rootDir', sdkSource, '--outDir', join(dist, 'api'),
  '--target', 'ES2022', '--module', 'ESNext', '--moduleResolution', 'bundler',
  '--strict', '--skipLibCheck', '--verbatimModuleSyntax', '--allowImportingTsExtensions',
  join(sdkSource, 'model.ts'), join(sdkSource, 'http/types.ts'), join(sdkSource, 'errors.ts'),
  // The factors' answers, which http/types.ts exports too (files under node_modules are
  // emitted only when named here).
  join(sdkSource, 'factors/responses.ts'), join(sdkSource, 'factors/totp/responses.ts'),
  join(sdkSource, 'factors/webauthn/responses.ts'), join(sdkSource, 'factors/recovery-codes/responses.ts'),
]);
writeFileSync(
  join(dist, 'api/index.d.ts'),
  `// The HTTP API's types, from @mfakit/server-sdk.
export type * from './model.js';
export type * from './http/types.js';
export type * from './errors.js';
`,
);

// 1b. The SDK takes the WebAuthn JSON types (PublicKeyCredentialCreationOptionsJSON …) from
// @simplewebauthn/server; the browser's own declarations (TypeScript's lib.dom) have the
// same ones, so the published declarations name those and a page needs no server package.
for (const entry of readdirSync(join(dist, 'api'), { recursive: true, encoding: 'utf8' })) {
  const file = join(dist, 'api', entry);
  if (!entry.endsWith('.d.ts')) continue;
  let text = readFileSync(file, 'utf8');
  if (!text.includes('@simplewebauthn/server')) continue;
  const imported = new Set();
  const reexport = (list) =>
    list
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => `type Dom${name} = ${name};\nexport type { Dom${name} as ${name} };`)
      .join('\n');
  text = text
    .replace(/import type \{([^}]*)\} from '@simplewebauthn\/server';\n?/g, (_, list) => {
      for (const name of list.split(',')) imported.add(name.trim());
      return '';
    })
    .replace(/export type \{([^}]*)\} from '@simplewebauthn\/server';/g, (_, list) => reexport(list))
    .replace(/export type \{([^}]*)\};/g, (statement, list) =>
      list.split(',').every((name) => imported.has(name.trim())) ? reexport(list) : statement,
    )
    .replace(/import\('@simplewebauthn\/server'\)\./g, '');
  if (text.includes('@simplewebauthn/server')) {
    console.error(`${file}: a reference to @simplewebauthn/server is left`);
    process.exit(1);
  }
  writeFileSync(file, text);
}

// 2. The elements: JavaScript and declarations (`@mfakit/server-sdk` resolves to dist/api, see tsconfig.build.json).
run(bin('tsc'), ['-p', 'tsconfig.build.json']);

// 2b. The templates without their source indentation (scripts/minify-templates.mjs), and
// the parts loaded when needed named by their built files: tsc's rewriteRelativeImportExtensions
// rewrites `./x.ts` in static imports but leaves a dynamic `import('./x.ts')` as it is.
for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.js')) continue;
  const file = join(dist, entry);
  const text = minifyTemplates(readFileSync(file, 'utf8'), file).replace(
    /(\bimport\(\s*(['"])\.{1,2}\/[^'"]+)\.ts(\2\s*\))/g,
    '$1.js$3',
  );
  writeFileSync(file, text);
}

// 3. Declarations name built files: `./x.ts` → `./x.js`, `@mfakit/server-sdk` → dist/api.
for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.d.ts')) continue;
  const file = join(dist, entry);
  let api = relative(dirname(file), join(dist, 'api/index.js'));
  if (!api.startsWith('.')) api = `./${api}`;
  const model = api.replace(/index\.js$/, 'model.js');
  const text = readFileSync(file, 'utf8')
    .replace(/((?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2')
    .replace(/(['"])@mfakit\/server-sdk\/model\1/g, `'${model}'`)
    .replace(/(['"])@mfakit\/server-sdk\1/g, `'${api}'`);
  writeFileSync(file, text);
}

// 4. The custom-elements manifest, from the same source.
run(bin('cem'), ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet']);

// 5. The browser build for a page without a bundler (cdn/): from dist/, lit and @lit/context
// included, minified ES modules, a file per entry point (`cdn/mfa-settings.js` …) and the
// modules they share in cdn/chunks/. What loads when needed stays a chunk of its own.
const cdn = join(root, 'cdn');
rmSync(cdn, { recursive: true, force: true });
const entries = {
  index: join(dist, 'index.js'),
  'strings-de': join(dist, 'strings-de.js'),
  ...Object.fromEntries(
    readdirSync(dist, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name.startsWith('mfa-'))
      .map((d) => [d.name, join(dist, d.name, `${d.name}.js`)]),
  ),
};
// lit's production build, whatever NODE_ENV the build was started with (vitest's is `test`).
process.env.NODE_ENV = 'production';
await build({
  root,
  configFile: false,
  mode: 'production',
  logLevel: 'warn',
  build: {
    outDir: cdn,
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    lib: { entry: entries, formats: ['es'], fileName: (_, name) => `${name}.js` },
    rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true } },
  },
});

// 6. Every import of what ships resolves to a file that ships (or a dependency; cdn/ to itself).
run(process.execPath, [join(root, '../../scripts/package-imports.mjs'), root]);
