import { defineConfig } from 'vitest/config';

/** Node-side tests of the package (the elements themselves are tested in Chromium: web-test-runner.config.mjs). */
export default defineConfig({
  test: { include: ['test/**/*.node.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
