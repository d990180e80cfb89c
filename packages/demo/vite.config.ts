import { defineConfig } from 'vite';

/** The portal's browser code: the mfakit elements and the host's own theme, built into dist/. */
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    rollupOptions: { input: 'pages/main.ts' },
  },
});
