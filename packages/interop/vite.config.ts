import { join } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const fixtures = join(import.meta.dirname, 'fixtures');

/**
 * Both fixtures in one build, as their apps would build them: the React page
 * (TSX, React 19's automatic runtime) and the Vue page (a single-file component,
 * its template compiled with the mfa-* tags left to the browser as custom elements).
 */
export default defineConfig({
  root: fixtures,
  base: './',
  logLevel: 'warn',
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('mfa-') } } })],
  build: {
    outDir: join(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { react: join(fixtures, 'react/index.html'), vue: join(fixtures, 'vue/index.html') },
    },
  },
});
