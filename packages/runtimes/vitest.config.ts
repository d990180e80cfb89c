import { defineConfig } from 'vitest/config';

// The PostgreSQL runs need a server (DATABASE_URL; scripts/test.mjs starts one, and says so
// loudly, failing in CI, when it cannot).
const postgres = process.env.DATABASE_URL ? [] : ['test/**/postgres.*.test.ts'];

// One file at a time: the runtime files start other runtimes (Node 22 and 24, Bun, Deno, workerd)
// that load both cores, and Miniflare's synchronous calls into D1 fail when starved of them.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: postgres,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
