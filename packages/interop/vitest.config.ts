import { defineConfig } from 'vitest/config';

/**
 * Two projects: the frameworks and hosts on the workspace's source, and `packed`,
 * the packages as npm users install them (test/packed: packed and installed once,
 * by install.ts, for all its files, and only when one of them runs).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
    projects: [
      { extends: true, test: { name: 'interop', include: ['test/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'packed', include: ['test/packed/*.test.ts'], globalSetup: ['test/packed/install.ts'] },
      },
    ],
  },
});
