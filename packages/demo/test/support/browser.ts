/**
 * What the end-to-end files share: the demo host on a fresh SQLite file with a clock the test
 * moves, started as src/server.ts starts it; Debian's Chromium; and the checks run in a page
 * (axe, and what does not fit a phone's window).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { sqliteStore } from '@mfakit/server-sdk/sqlite';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { chromiumArgs, chromiumPath, platformAuthenticator } from '../../../../scripts/chromium.mjs';
import { createDemo, type DemoOptions } from '../../src/app.ts';
import { seedDemo } from '../../src/directory.ts';

const packageDir = join(import.meta.dirname, '..', '..');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  demo: ReturnType<typeof createDemo>;
  stop(): Promise<void>;
}

/**
 * Builds the pages (into a folder of this run's own, so that files running at once do not
 * share one), seeds a fresh data folder at `clock.now`, and serves the demo on a free port,
 * ready as src/server.ts makes it (the reminders due at start sent).
 */
export async function startDemo(
  clock: { now: Date },
  { reminders }: Pick<DemoOptions, 'reminders'> = {},
): Promise<DemoServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mfakit-e2e-'));
  const distDir = join(dataDir, 'dist');
  await build({
    root: packageDir,
    logLevel: 'warn',
    configFile: join(packageDir, 'vite.config.ts'),
    build: { outDir: distDir },
  });
  const store = sqliteStore({ filename: join(dataDir, 'mfa.db') });
  // As src/server.ts does: the seed before the delivery loop, so that the Mail page starts without its history.
  await seedDemo(store, new Date(clock.now));
  // The port first: the demo's address (its notifications link the profile there) names it.
  let app: ReturnType<typeof createDemo>['app'] | undefined;
  const server = serve({
    fetch: (request, env) => (app ? app.fetch(request, env) : new Response(null, { status: 503 })),
    hostname: '127.0.0.1',
    port: 0,
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const demo = createDemo({
    store,
    secret: 'end-to-end-secret-with-at-least-32-bytes',
    now: () => new Date(clock.now),
    url: base,
    distDir,
    ...(reminders ? { reminders } : {}),
  });
  await demo.ready();
  app = demo.app;
  return {
    base,
    demo,
    stop: async () => {
      server.close();
      await demo.mfa.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
  });
}

/** `frames: false` leaves out the page's frames (the Mail page's are sandboxed: no script runs in them). */
export async function expectNoAxeViolations(page: Page, { frames = true } = {}) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async (iframes) => {
    const axe = (
      window as unknown as {
        axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    const result = await axe.run({ resultTypes: ['violations'], iframes });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  }, frames);
  expect(violations).toEqual([]);
}

/**
 * What does not fit the page's window, measured in the page as laid out (WCAG
 * 2.1 SC 1.4.10 at 320 CSS px, 2.2 SC 2.5.8): the page scrolling sideways; any
 * box or line of text, inside the elements' shadow roots too, past either edge;
 * a container that clips or scrolls its content sideways; a click target under
 * 24 × 24 px with another target within the 24 px circle around its centre.
 * Links inside a sentence are exempt from the target size, as the SC says.
 */
export function reflowProblems(): string[] {
  const width = window.innerWidth;
  const problems: string[] = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) problems.push(`the page is ${page} px wide`);
  const all: Element[] = [];
  const walk = (el: Element) => {
    all.push(el);
    for (const child of el.shadowRoot ? [...el.shadowRoot.children, ...el.children] : [...el.children])
      walk(child);
  };
  walk(document.body);
  const name = (el: Element) =>
    `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}> "${(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`;
  const targets: { el: Element; box: DOMRect }[] = [];
  const targetSelector =
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  for (const el of all) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (style.position === 'absolute' && style.clip === 'rect(0px, 0px, 0px, 0px)') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.left < -0.5 || box.right > width + 0.5)
      problems.push(`${name(el)} spans ${Math.round(box.left)}–${Math.round(box.right)} px`);
    const control = /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
    if (!control && style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
      problems.push(`${name(el)} cuts off or scrolls its content (${el.scrollWidth} > ${el.clientWidth} px)`);
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const line of range.getClientRects())
        if (line.left < -0.5 || line.right > width + 0.5)
          problems.push(
            `text "${node.textContent.trim().slice(0, 30)}" in ${name(el)} reaches ${Math.round(line.right)} px`,
          );
    }
    const inSentence =
      el.tagName === 'A' &&
      [...(el.parentElement?.childNodes ?? [])].some(
        (n) => n.nodeType === Node.TEXT_NODE && /\w/.test(n.textContent ?? ''),
      );
    if (el.matches(targetSelector) && !inSentence) targets.push({ el, box });
  }
  // Behind an open modal dialog the page is inert: only the dialog's targets count.
  const modal = all.find((el) => el instanceof HTMLDialogElement && el.matches(':modal'));
  const inModal = new Set<Element>();
  if (modal) {
    const mark = (el: Element) => {
      inModal.add(el);
      for (const child of el.shadowRoot ? [...el.shadowRoot.children, ...el.children] : [...el.children])
        mark(child);
    };
    mark(modal);
  }
  const centre = (b: DOMRect) => ({ x: b.left + b.width / 2, y: b.top + b.height / 2 });
  for (const target of modal ? targets.filter(({ el }) => inModal.has(el)) : targets) {
    if (target.box.width >= 24 && target.box.height >= 24) continue;
    const c = centre(target.box);
    const crowded = (modal ? targets.filter(({ el }) => inModal.has(el)) : targets).some(({ el, box }) => {
      if (el === target.el) return false;
      const nx = Math.max(box.left, Math.min(c.x, box.right));
      const ny = Math.max(box.top, Math.min(c.y, box.bottom));
      if (Math.hypot(c.x - nx, c.y - ny) < 12) return true;
      if (box.width >= 24 && box.height >= 24) return false;
      const o = centre(box);
      return Math.hypot(c.x - o.x, c.y - o.y) < 24;
    });
    if (crowded)
      problems.push(
        `${name(target.el)} is ${Math.round(target.box.width)} × ${Math.round(target.box.height)} px, too close to another target`,
      );
  }
  return problems;
}

/**
 * Chromium's virtual authenticator in this page's browser context, through the
 * DevTools protocol's WebAuthn domain: a platform authenticator (CTAP2, internal
 * transport, resident keys, user verification) that answers without a prompt.
 */
export async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: platformAuthenticator,
  });
  return {
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  };
}
