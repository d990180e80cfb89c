/**
 * The packages as npm users get them (packed and installed once for this folder:
 * install.ts). The tarballs hold ESM JavaScript with declarations, every import
 * of which names a file the tarball holds, and the elements' self-contained
 * browser build (`cdn/`). Here they are linted with publint and used from the
 * npm project they were installed in: the server SDK answers requests on the
 * memory and SQLite stores; the elements entry loads in Node (lit's DOM shim
 * defines the tags); a TypeScript file using both type-checks under `nodenext`
 * with no type degraded to `any`. (browser.test.ts loads them in Chromium.)
 * Installed alone, the SDK brings no native module: a sqlite or postgres store
 * then says which package to install (Node 20), and on Node 22 and 24 the
 * embedded store runs on the built-in `node:sqlite`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { unresolvedImports } from '../../../../scripts/package-imports.mjs';
import { NODE_RELEASES, nodeBinary } from '../../../runtimes/test/node-binaries.ts';

const { project, tarballs, alone } = inject('packed');
const unpacked = mkdtempSync(join(tmpdir(), 'mfakit-unpacked-'));

/** The consumer's environment: this process's, without the NODE_PATH that pnpm's scripts set to the workspace's packages. */
const { NODE_PATH: _workspacePackages, ...consumerEnv } = process.env;

function sh(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: consumerEnv });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

const filesOf = (tarball: string) =>
  execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));

const packedJson = (tarball: string) =>
  JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));

afterAll(() => {
  rmSync(unpacked, { recursive: true, force: true });
});

describe.each(['server-sdk', 'elements'] as const)('the packed @mfakit/%s', (name) => {
  it('holds built JavaScript, declarations and the manifest, and no source, tests or fixtures', () => {
    const files = filesOf(tarballs[name]);
    const unexpected = files.filter(
      (f) =>
        !(
          f === 'package.json' ||
          f === 'README.md' ||
          f === 'custom-elements.json' ||
          /^dist\/.+\.(js|d\.ts)$/.test(f) ||
          (name === 'elements' && /^cdn\/.+\.js$/.test(f))
        ) ||
        // The SDK's store conformance suite ships on purpose (`@mfakit/server-sdk/testing`); no test does.
        (/test|fixture|spec/i.test(f) && !f.startsWith('dist/testing/')) ||
        /\.test\./.test(f),
    );
    expect(unexpected).toEqual([]);
    if (name === 'server-sdk') expect(files).toContain('dist/testing/index.js');
    expect(files).toContain('dist/index.js');
    // npm shows the package's own README.
    expect(files).toContain('README.md');
    expect(files).toContain('dist/index.d.ts');
    if (name === 'elements') {
      expect(files).toContain('custom-elements.json');
      expect(files).toContain('cdn/mfa-settings.js');
    }
  });

  it('names in every import, static or dynamic, a file it holds or a package it depends on', () => {
    const dir = join(unpacked, name);
    sh('mkdir', ['-p', dir], unpacked);
    sh('tar', ['-xzf', tarballs[name], '-C', dir], unpacked);
    const files = filesOf(tarballs[name]);
    // The elements' browser build (cdn/) imports only its own chunks: no package at all.
    expect(unresolvedImports(join(dir, 'package'), { files, selfContained: ['cdn/'] })).toEqual([]);
  });

  it('has a package.json that points at the built files: ESM, exports with types, sideEffects', () => {
    const pkg = packedJson(tarballs[name]);
    expect(pkg.type).toBe('module');
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect(pkg.sideEffects).toBeDefined();
    expect(JSON.stringify(pkg)).not.toMatch(/workspace:|src\/[\w/-]+\.ts/);
    const files = filesOf(tarballs[name]);
    for (const target of Object.values(pkg.exports).flatMap((e) =>
      typeof e === 'string' ? [e] : Object.values(e as object),
    )) {
      const path = String(target).replace(/^\.\//, '');
      // A pattern (`./cdn/*`) matches at least one file.
      const [before = '', after = ''] = path.split('*');
      const matches = path.includes('*')
        ? files.filter((f) => f.startsWith(before) && f.endsWith(after))
        : files.filter((f) => f === path);
      expect(matches, path).not.toEqual([]);
    }
  });

  it('is publint-clean', async () => {
    const tarball = readFileSync(tarballs[name]);
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  });
});

/** The SDK answering requests on the memory store and on `sqliteStore` (whichever driver it finds). */
const SERVER_SCRIPT = `import { createMfa, memoryStore } from '@mfakit/server-sdk';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
const principal = { userId: 'ada', sessionId: 's1', authMethod: 'password' };
const results = {};
for (const [name, store] of [['memory', memoryStore()], ['sqlite', sqliteStore({ filename: ':memory:' })]]) {
  const mfa = createMfa({
    store,
    secret: 'a-packed-secret-of-at-least-32-bytes!',
    issuer: 'Packed',
    authenticate: () => principal,
    getMembership: () => ({ role: 'admin', accountName: 'Acme' }),
    listMemberships: () => [{ accountId: 'acme', accountName: 'Acme', role: 'admin' }],
    listMembers: () => [{ userId: 'ada', displayName: 'Ada', email: 'ada@acme.test', role: 'admin' }],
  });
  const policy = await mfa.app.request('/accounts/acme/policy');
  const setup = await mfa.app.request('/me/totp/setup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const put = await mfa.app.request('/accounts/acme/policy', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'optional', gracePeriodDays: 5 }),
  });
  results[name] = {
    policy: [policy.status, (await policy.json()).mode],
    setup: [setup.status, /^[A-Z2-7]+$/.test((await setup.json()).secret)],
    // An administrator without MFA may not change the policy (switching it off included).
    put: [put.status, ((body) => body.error?.code ?? body.gracePeriodDays)(await put.json())],
  };
  await mfa.close();
}
console.log(JSON.stringify(results));
`;

/** Each store's answer to being made: `made`, or the error's class and message. */
const DRIVERS_SCRIPT = `import { MfaConfigError } from '@mfakit/server-sdk';
import { postgresStore } from '@mfakit/server-sdk/postgres';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
const made = (make) => {
  try {
    make();
    return 'made';
  } catch (error) {
    return { configError: error instanceof MfaConfigError, message: error.message };
  }
};
console.log(JSON.stringify({
  sqlite: made(() => sqliteStore({ filename: ':memory:' })),
  postgres: made(() => postgresStore({ connectionString: 'postgres://127.0.0.1:9/none' })),
}));
`;

/** Every package folder under `folder` (a node_modules), and each file of a native addon or its build (`.node`, `binding.gyp`). */
function installed(folder: string) {
  const entries = readdirSync(folder, { recursive: true, encoding: 'utf8' }).map(
    (entry) => `node_modules/${entry}`,
  );
  return {
    packages: entries
      .filter((entry) => entry.endsWith('package.json'))
      .map((entry) => entry.replace(/(^|\/)package\.json$/, ''))
      .filter((dir) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+$/.test(dir))
      .map((dir) => dir.replace(/^.*node_modules\//, '')),
    native: entries.filter((entry) => /\.node$|(^|\/)binding\.gyp$/.test(entry)),
  };
}

const EXPECTED_SERVER = { policy: [200, 'optional'], setup: [200, true], put: [401, 'step_up_required'] };

describe('the server SDK installed alone with npm', () => {
  it('brings no native module and no database driver', () => {
    const { packages, native } = installed(join(alone, 'node_modules'));
    expect(packages).toContain('@mfakit/server-sdk');
    expect(packages).toContain('kysely');
    expect(
      packages.filter((name) => /^(better-sqlite3|pg|bindings|prebuild-install|node-gyp)$/.test(name)),
    ).toEqual([]);
    expect(native).toEqual([]);
  });

  it(`without drivers on Node ${process.versions.node}, the stores name the package to install`, () => {
    writeFileSync(join(alone, 'drivers.mjs'), DRIVERS_SCRIPT);
    const result = JSON.parse(sh('node', ['drivers.mjs'], alone));
    expect(result.sqlite).toEqual({
      configError: true,
      message: expect.stringContaining('npm install better-sqlite3'),
    });
    expect(result.postgres).toEqual({
      configError: true,
      message: expect.stringContaining('npm install pg'),
    });
  });

  it.each([22, 24] as const)(
    'on Node %i, the embedded store runs on node:sqlite with nothing installed',
    (line) => {
      writeFileSync(join(alone, 'drivers.mjs'), DRIVERS_SCRIPT);
      const node = nodeBinary(line);
      expect(sh(node, ['--version'], alone).trim()).toBe(`v${NODE_RELEASES[line]}`);
      const drivers = JSON.parse(sh(node, ['--no-warnings', 'drivers.mjs'], alone));
      expect(drivers.sqlite).toBe('made');
      expect(drivers.postgres).toEqual({
        configError: true,
        message: expect.stringContaining('npm install pg'),
      });
      writeFileSync(join(alone, 'server.mjs'), SERVER_SCRIPT);
      expect(JSON.parse(sh(node, ['--no-warnings', 'server.mjs'], alone))).toEqual({
        memory: EXPECTED_SERVER,
        sqlite: EXPECTED_SERVER,
      });
    },
  );
});

describe('installed with npm into an empty project, with better-sqlite3 added by the host', () => {
  it('runs the server SDK on the memory and the SQLite store', () => {
    writeFileSync(join(project, 'server.mjs'), SERVER_SCRIPT);
    const results = JSON.parse(sh('node', ['server.mjs'], project));
    const expected = { policy: [200, 'optional'], setup: [200, true], put: [401, 'step_up_required'] };
    expect(results).toEqual({ memory: expected, sqlite: expected });
  });

  it('loads the elements entry in Node, defining the seven tags, and the German strings', () => {
    writeFileSync(
      join(project, 'elements.mjs'),
      `const elements = await import('@mfakit/elements');
const { de } = await import('@mfakit/elements/strings/de');
const manifest = (await import('@mfakit/elements/custom-elements.json', { with: { type: 'json' } })).default;
const tags = ['mfa-settings', 'mfa-policy-manager', 'mfa-user-enroll', 'mfa-challenge', 'mfa-members', 'mfa-audit-log', 'mfa-nudge'];
console.log(JSON.stringify({
  defined: tags.filter((tag) => customElements.get(tag)),
  classes: tags.map((tag) => customElements.get(tag) === elements[tag.replace(/(^|-)(\\w)/g, (_, __, c) => c.toUpperCase())]),
  manage: de.manage,
  manifestTags: manifest.modules.flatMap((m) => m.declarations ?? []).map((d) => d.tagName).filter(Boolean).sort(),
}));
`,
    );
    const result = JSON.parse(sh('node', ['elements.mjs'], project));
    const tags = [
      'mfa-settings',
      'mfa-policy-manager',
      'mfa-user-enroll',
      'mfa-challenge',
      'mfa-members',
      'mfa-audit-log',
      'mfa-nudge',
    ];
    expect(result).toEqual({
      defined: tags,
      classes: tags.map(() => true),
      manage: 'Verwalten',
      manifestTags: [...tags].sort(),
    });
  });

  it('type-checks a TypeScript consumer of both, with real types (none degraded to any)', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ['consumer.ts'],
      }),
    );
    // Each @ts-expect-error must meet an error: were a type `any`, tsc would report the directive unused.
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { createMfa, memoryStore, type PolicyResponse } from '@mfakit/server-sdk';
import type { SqliteStoreOptions } from '@mfakit/server-sdk/sqlite';
import { type MfaStrings, MfaSettings } from '@mfakit/elements';
import { de } from '@mfakit/elements/strings/de';

const mfa = createMfa({
  store: memoryStore(),
  secret: 'x'.repeat(40),
  issuer: 'Typed',
  authenticate: () => null,
  getMembership: () => null,
  listMemberships: () => [],
  listMembers: () => [],
});
// @ts-expect-error: the app is a Hono app, not a function
mfa.app();
// @ts-expect-error: better-sqlite3's own types, not any
const options: SqliteStoreOptions = { database: 42 };

const settings = document.createElement('mfa-settings');
const typed: MfaSettings = settings;
typed.accountId = 'acme';
// @ts-expect-error: account-id is a string
typed.accountId = 7;
const strings: Partial<MfaStrings> = de;
settings.strings = strings;
settings.addEventListener('mfa-policy-change', (event) => {
  const mode: PolicyResponse['mode'] = event.policy.mode;
  // @ts-expect-error: the policy's mode is a union of strings (the API's types ship with the elements)
  const wrong: number = event.policy.mode;
  console.log(mode, wrong);
});
console.log(options);
`,
    );
    const tsc = join(import.meta.dirname, '../../node_modules/.bin/tsc');
    const result = spawnSync(tsc, ['-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('ships element declarations that need nothing from the server SDK', () => {
    const declarations = filesOf(tarballs.elements).filter((f) => f.endsWith('.d.ts'));
    const mentions = declarations.filter((f) =>
      /(from|import\()\s*['"]@mfakit\/server-sdk['"]/.test(
        execFileSync('tar', ['-xzOf', tarballs.elements, `package/${f}`], { encoding: 'utf8' }),
      ),
    );
    expect(mentions).toEqual([]);
    expect(declarations).toContain('dist/api/index.d.ts');
  });
});
