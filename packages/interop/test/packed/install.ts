/**
 * The packages as npm users get them, made once for every test in this folder
 * (vitest's globalSetup of the `packed` project): both packages packed with
 * `pnpm pack` (which builds them, rewrites `workspace:*` and applies
 * `publishConfig`), then installed with npm from the tarballs into an empty
 * project outside the workspace, beside what a portal would install with them:
 * Vite and esbuild to bundle its pages, Hono's Node server to host the SDK.
 * better-sqlite3 compiles there from source: the slow part.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    packed: {
      /** The npm project the tarballs are installed in (its node_modules holds no workspace link). */
      project: string;
      /** The tarballs, by package folder. */
      tarballs: { 'server-sdk': string; elements: string };
      /** An npm project that holds the server SDK alone, as a Worker, Bun or Deno host installs it: no driver. */
      alone: string;
    };
  }
}

const repo = join(import.meta.dirname, '../../../..');
const interop = join(import.meta.dirname, '../..');

/** The consumer's environment: this process's, without the NODE_PATH that pnpm's scripts set to the workspace's packages. */
const { NODE_PATH: _workspacePackages, ...consumerEnv } = process.env;

/** Runs a command to its end; rejects with its output when it fails. */
export function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return new Promise<string>((done, fail) => {
    const child = spawn(command, args, { cwd, env: { ...consumerEnv, ...env } });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    child.once('error', fail);
    child.once('close', (status) =>
      status === 0
        ? done(out)
        : fail(new Error(`${command} ${args.join(' ')} failed (${status}) in ${cwd}:\n${out}`)),
    );
  });
}

/** The version the workspace installed of a package interop depends on: the consumer gets the same. */
const workspaceVersion = (name: string) =>
  JSON.parse(readFileSync(join(interop, 'node_modules', name, 'package.json'), 'utf8')).version as string;

export default async function setup(project: TestProject) {
  const work = mkdtempSync(join(tmpdir(), 'mfakit-packed-'));
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  const names = ['server-sdk', 'elements'] as const;
  // Both at once: each pack builds its package first (`prepack`).
  const files = await Promise.all(
    names.map(async (name) => {
      const dest = join(work, name);
      await sh(
        'node',
        [join(repo, 'scripts/pnpm.mjs'), 'pack', '--pack-destination', dest],
        join(repo, 'packages', name),
      );
      const [file] = readdirSync(dest).filter((f) => f.endsWith('.tgz'));
      if (!file) throw new Error(`no tarball from ${name}`);
      return join(dest, file);
    }),
  );
  const tarballs = { 'server-sdk': files[0] as string, elements: files[1] as string };
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: {
        '@mfakit/server-sdk': `file:${tarballs['server-sdk']}`,
        '@mfakit/elements': `file:${tarballs.elements}`,
        '@hono/node-server': workspaceVersion('@hono/node-server'),
        hono: workspaceVersion('hono'),
        // The embedded store's driver on Node 20: the host's choice (an optional peer of the SDK).
        'better-sqlite3': '^12.11.0',
      },
      devDependencies: { vite: workspaceVersion('vite'), esbuild: '0.28.2' },
    }),
  );
  // better-sqlite3 compiles from source here: its prebuilt download is not reachable.
  await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], consumer, {
    npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr',
    npm_config_build_from_source: 'true',
  });
  // The SDK alone: what it brings by itself (no native module, no driver).
  const alone = join(work, 'alone');
  mkdirSync(alone);
  writeFileSync(
    join(alone, 'package.json'),
    JSON.stringify({
      name: 'sdk-alone',
      private: true,
      type: 'module',
      dependencies: { '@mfakit/server-sdk': `file:${tarballs['server-sdk']}` },
    }),
  );
  await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], alone);
  project.provide('packed', { project: consumer, tarballs, alone });
  return () => rmSync(work, { recursive: true, force: true });
}
