import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { runStoreConformance } from '../../src/testing/index.ts';

runStoreConformance('memory', () => memoryStore());

runStoreConformance('sqlite in memory', () => sqliteStore({ filename: ':memory:' }));

const folders: string[] = [];
const freshFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'mfakit-store-'));
  folders.push(folder);
  return folder;
};
const removeFolders = async () => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
};

runStoreConformance('sqlite file', () => sqliteStore({ filename: join(freshFolder(), 'mfa.db') }), {
  cleanup: removeFolders,
});

describe('sqlite file store', () => {
  it('keeps its state when the file is opened again', async () => {
    const filename = join(freshFolder(), 'nested', 'mfa.db');
    try {
      const first = sqliteStore({ filename });
      // (Renewed codes discard a pending setup: the setup comes after them.)
      await first.replaceRecoveryCodes('ada', ['a', 'b']);
      await first.putPendingTotp({ userId: 'ada', secret: 'pending', expiresAt: new Date(1_000) });
      await first.close();

      const second = sqliteStore({ filename });
      expect(await second.getPendingTotp('ada')).toEqual({
        userId: 'ada',
        secret: 'pending',
        expiresAt: new Date(1_000),
      });
      expect(await second.countRecoveryCodes('ada')).toBe(2);
      await second.close();
    } finally {
      await removeFolders();
    }
  });
});
