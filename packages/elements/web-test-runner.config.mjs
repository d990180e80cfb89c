// Element tests in Debian's Chromium, against the real SDK app served by the
// test runner's own dev server (see test/api-server.ts).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { register } from 'tsx/esm/api';
import { chromiumArgs, chromiumPath, platformAuthenticator } from '../../scripts/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
register();
const { app } = await import('./test/api-server.ts');
const listener = getRequestListener(app.fetch);

const executablePath = chromiumPath;
const args = chromiumArgs;

/**
 * `executeServerCommand('virtual-authenticator', { action })` from a test: Chromium's
 * virtual authenticator through the DevTools protocol's WebAuthn domain, so that
 * passkeys are made and used by a real browser without a person or a device.
 * `add` puts a platform authenticator (CTAP2, internal transport, resident keys,
 * user verification, presence given automatically) in place of any before it;
 * `credentials` lists what it holds; `remove` takes it away.
 */
function virtualAuthenticatorPlugin() {
  const sessions = new Map();
  return {
    name: 'virtual-authenticator',
    async executeCommand({ command, payload, session }) {
      if (command !== 'virtual-authenticator') return undefined;
      let state = sessions.get(session.id);
      if (!state) {
        const page = session.browser.getPage(session.id);
        const cdp = await page.target().createCDPSession();
        await cdp.send('WebAuthn.enable', { enableUI: false });
        state = { cdp, authenticatorId: null };
        sessions.set(session.id, state);
      }
      const { cdp } = state;
      const drop = async () => {
        if (state.authenticatorId)
          await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: state.authenticatorId });
        state.authenticatorId = null;
      };
      switch (payload?.action) {
        case 'add': {
          await drop();
          const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
            options: platformAuthenticator,
          });
          state.authenticatorId = authenticatorId;
          return { authenticatorId };
        }
        case 'credentials': {
          if (!state.authenticatorId) return [];
          const { credentials } = await cdp.send('WebAuthn.getCredentials', {
            authenticatorId: state.authenticatorId,
          });
          return credentials.map((c) => ({
            credentialId: c.credentialId,
            isResidentCredential: c.isResidentCredential,
            signCount: c.signCount,
            rpId: c.rpId,
          }));
        }
        case 'remove':
          await drop();
          return true;
        default:
          throw new Error(`virtual-authenticator: unknown action ${payload?.action}`);
      }
    },
  };
}

/**
 * `executeServerCommand('downloads', { action })` from a test: what the browser downloads, as a
 * person's browser would save it. `start` lets the page's downloads go to a folder of their own
 * (Chromium's headless default refuses them) and forgets those before; `next` waits for the next
 * one to finish (or fail) and answers its `state`, the `filename` the server gave and its `text`
 * (UTF-8, a byte-order mark kept as U+FEFF).
 */
function downloadsPlugin() {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-downloads-'));
  /** Each download by its guid, in the order they began. */
  const downloads = new Map();
  let cdp;
  let taken = 0;
  return {
    name: 'downloads',
    async executeCommand({ command, payload, session }) {
      if (command !== 'downloads') return undefined;
      const page = session.browser.getPage(session.id);
      if (!cdp) {
        cdp = await page.browser().target().createCDPSession();
        cdp.on('Browser.downloadWillBegin', (e) =>
          downloads.set(e.guid, { filename: e.suggestedFilename, url: e.url, state: 'inProgress' }),
        );
        cdp.on('Browser.downloadProgress', (e) => {
          const download = downloads.get(e.guid);
          if (download) download.state = e.state;
        });
      }
      switch (payload?.action) {
        case 'start': {
          downloads.clear();
          taken = 0;
          const browserContextId = page.browserContext().id;
          await cdp.send('Browser.setDownloadBehavior', {
            behavior: 'allowAndName',
            downloadPath: dir,
            eventsEnabled: true,
            ...(browserContextId ? { browserContextId } : {}),
          });
          return true;
        }
        case 'next': {
          const start = Date.now();
          for (;;) {
            const [guid, download] = [...downloads][taken] ?? [];
            if (download && download.state !== 'inProgress') {
              taken++;
              const text = download.state === 'completed' ? readFileSync(join(dir, guid), 'utf8') : null;
              return { ...download, text };
            }
            if (Date.now() - start > 8000) throw new Error('downloads: none finished within 8 s');
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
        default:
          throw new Error(`downloads: unknown action ${payload?.action}`);
      }
    },
  };
}

/** Writes the counts where the repository's test script reads them (`WTR_RESULTS`). */
function countsReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0 };
      const walk = (suite) => {
        for (const test of suite?.tests ?? []) {
          if (test.skipped) counts.numPendingTests++;
          else if (test.passed) counts.numPassedTests++;
          else counts.numFailedTests++;
        }
        for (const child of suite?.suites ?? []) walk(child);
      };
      for (const session of sessions) {
        walk(session.testResults);
        // A file that failed to load has no results: count it as a failure.
        if (!session.passed && !session.testResults?.tests?.length && !session.testResults?.suites?.length) {
          counts.numFailedTests++;
        }
      }
      if (file) writeFileSync(file, JSON.stringify(counts));
    },
  };
}

export default {
  reporters: [defaultReporter(), countsReporter(process.env.WTR_RESULTS)],
  files: 'src/**/*.test.ts',
  nodeResolve: { exportConditions: ['browser', 'production'] },
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  browserStartTimeout: 60000,
  testsFinishTimeout: 300000,
  middleware: [
    (ctx, next) => {
      if (!/^\/(mfa|mfa-broken|mfa-slow|__test)\//.test(ctx.path)) return next();
      ctx.respond = false;
      return new Promise((resolve) => {
        ctx.res.on('finish', resolve);
        ctx.res.on('close', resolve);
        void listener(ctx.req, ctx.res);
      });
    },
  ],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: join(here, 'tsconfig.json') }),
    virtualAuthenticatorPlugin(),
    downloadsPlugin(),
  ],
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args } })],
};
