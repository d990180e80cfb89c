import { configDefaults, defineConfig } from 'vitest/config';

// The PostgreSQL suites need a server; scripts/test.mjs starts one (or says why it could not).
const postgres = process.env.DATABASE_URL ? [] : ['test/**/postgres.*.test.ts'];

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...postgres],
    testTimeout: 20_000,
  },
});
