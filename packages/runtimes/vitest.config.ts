import { defineConfig } from 'vitest/config';

// The PostgreSQL runs need a server (DATABASE_URL; scripts/test.mjs starts one, and says so
// loudly, failing in CI, when it cannot).
const postgres = process.env.DATABASE_URL ? [] : ['test/**/postgres.*.test.ts'];

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], exclude: postgres, testTimeout: 180_000, hookTimeout: 60_000 },
});
