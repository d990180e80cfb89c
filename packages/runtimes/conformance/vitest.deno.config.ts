import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { root: import.meta.dirname, include: ['deno-*.test.ts'], pool: 'forks', testTimeout: 60_000 },
});
