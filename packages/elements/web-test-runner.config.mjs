// Element tests in Debian's Chromium, against the real SDK app served by the
// test runner's own dev server (see test/api-server.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { register } from 'tsx/esm/api';

const here = dirname(fileURLToPath(import.meta.url));
register();
const { app } = await import('./test/api-server.ts');
const listener = getRequestListener(app.fetch);

const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default {
  files: 'src/**/*.test.ts',
  nodeResolve: { exportConditions: ['browser', 'production'] },
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  browserStartTimeout: 60000,
  testsFinishTimeout: 300000,
  middleware: [
    (ctx, next) => {
      if (!/^\/(mfa|mfa-broken|__test)\//.test(ctx.path)) return next();
      ctx.respond = false;
      return new Promise((resolve) => {
        ctx.res.on('finish', resolve);
        ctx.res.on('close', resolve);
        void listener(ctx.req, ctx.res);
      });
    },
  ],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: join(here, 'tsconfig.json') })],
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args } })],
};
