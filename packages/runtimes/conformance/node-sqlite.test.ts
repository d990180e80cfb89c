/**
 * The store conformance suite (`@mfakit/server-sdk/testing`) on `sqliteStore` with
 * Node's built-in `node:sqlite`, in memory and in a file, run by vitest under the
 * Node 22 and 24 binaries (test/runtimes.test.ts starts them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
import { runStoreConformance } from '@mfakit/server-sdk/testing';
import { expect, it } from 'vitest';

const node = `Node ${process.versions.node}`;
const folders: string[] = [];

runStoreConformance(`sqliteStore on node:sqlite in memory (${node})`, () =>
  sqliteStore({ filename: ':memory:', driver: 'node:sqlite' }),
);

runStoreConformance(
  `sqliteStore on node:sqlite in a file (${node})`,
  () => {
    const folder = mkdtempSync(join(tmpdir(), 'mfakit-node-sqlite-'));
    folders.push(folder);
    return sqliteStore({ filename: join(folder, 'mfa.db'), driver: 'node:sqlite' });
  },
  {
    cleanup: async () => {
      for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
    },
  },
);

it('runs in Node 22 or later', () => {
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
});
