/**
 * docs/hosting.md's "Step-up for your own routes", as a host pastes it: the Hono lines as they
 * stand there, and the Express handler's calls (`mfa.evaluate({ …, stepUp })`, then
 * `denialError`) in a plain node:http server over real HTTP (Express itself hosts the SDK
 * in packages/interop's tests). The page is read first, so that the snippets cannot drift
 * from what is tested here.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { denialError, type Principal } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness, type Harness } from '../support.ts';

const page = readFileSync(new URL('../../../../docs/hosting.md', import.meta.url), 'utf8');
const section = page.slice(page.indexOf('## Step-up for your own routes'));

const open: Harness[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const h of open.splice(0)) await h.mfa.close();
});

describe('the docs/hosting.md section "Step-up for your own routes"', () => {
  it('holds the snippets tested here', () => {
    for (const line of [
      "hostApp.use('/accounts/:accountId/*', mfa.guard());",
      "hostApp.use('/accounts/:accountId/payouts/*', mfa.guard({ stepUp: 300 })); // verified within 5 minutes",
      'stepUp: 300,',
      'const error = denialError(decision);',
      'return res.status(error.status).json(error.toBody());',
    ]) {
      expect(section).toContain(line);
    }
  });

  it('the Hono guard and the evaluate handler answer alike: 401 step_up_required past the window, 200 after verifying again', async () => {
    const h = createHarness({ store: sqliteStore({ filename: ':memory:' }) });
    open.push(h);
    const { mfa } = h;
    const savePayout = async () => ({ saved: true });

    // The Hono snippet.
    const hostApp = new Hono();
    hostApp.route('/mfa', mfa.app);
    hostApp.use('/accounts/:accountId/*', mfa.guard());
    hostApp.use('/accounts/:accountId/payouts/*', mfa.guard({ stepUp: 300 })); // verified within 5 minutes
    hostApp.put('/accounts/:accountId/payouts/details', async (c) => c.json(await savePayout()));

    // The Express snippet's handler, on node:http.
    const principalOf = async (req: IncomingMessage): Promise<Principal | null> => {
      const user = req.headers['x-test-user'];
      return typeof user === 'string'
        ? { userId: user, sessionId: `${user}-s1`, authMethod: 'password' }
        : null;
    };
    const server = createServer(async (req, res) => {
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const accountId = /^\/accounts\/([^/]+)\/payouts\/details$/.exec(req.url ?? '')?.[1];
      if (req.method !== 'PUT' || !accountId) return send(404, {});
      const decision = await mfa.evaluate({
        principal: await principalOf(req),
        accountId,
        stepUp: 300,
      });
      if (!decision.allow) {
        const error = denialError(decision);
        return send(error.status, error.toBody());
      }
      send(200, await savePayout());
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const both = async () => {
      const headers = { 'x-test-user': 'max' };
      const hono = await hostApp.request('/accounts/acme/payouts/details', { method: 'PUT', headers });
      const express = await fetch(`${base}/accounts/acme/payouts/details`, { method: 'PUT', headers });
      const answers = [
        { status: hono.status, body: await hono.json() },
        { status: express.status, body: await express.json() },
      ];
      expect(answers[0]).toEqual(answers[1]);
      return answers[0];
    };

    await h.enroll('max');
    expect(await both()).toEqual({ status: 200, body: { saved: true } });
    h.advance(300);
    expect(await both()).toMatchObject({
      status: 401,
      body: { error: { code: 'step_up_required', maxAgeSeconds: 300, accepts: ['totp'] } },
    });
    const again = await hostApp.request('/mfa/challenge', {
      method: 'POST',
      headers: { 'x-test-user': 'max', 'content-type': 'application/json' },
      body: JSON.stringify({ code: await h.code(h.secrets.max as string) }),
    });
    expect(again.status).toBe(200);
    expect(await both()).toEqual({ status: 200, body: { saved: true } });
    // Nobody signed in: both refuse alike.
    const anonymous = await hostApp.request('/accounts/acme/payouts/details', { method: 'PUT' });
    expect(anonymous.status).toBe(401);
  });
});
