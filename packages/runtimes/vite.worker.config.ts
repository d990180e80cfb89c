// Bundles src/worker.ts into one ES module for workerd: everything inlined but Node's
// built-ins, which `nodejs_compat` provides (the SDK's `node:crypto`).
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: { conditions: ['workerd', 'worker', 'browser', 'import', 'default'] },
  ssr: { noExternal: true, target: 'webworker' },
  build: {
    ssr: 'src/worker.ts',
    outDir: process.env.WORKER_OUT ?? 'dist/worker',
    emptyOutDir: true,
    minify: false,
    target: 'es2022',
    rollupOptions: {
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: { format: 'es', entryFileNames: 'worker.js', codeSplitting: false },
    },
  },
});
