import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '@mfakit/server-sdk';
import { describe, expect, it } from 'vitest';
import { createDemo } from '../src/app.ts';

const SECRET = 'demo-test-secret-with-32-bytes-or-more';

async function signIn(app: ReturnType<typeof createDemo>['app'], user: string, sso = '') {
  const res = await app.request('http://127.0.0.1/session', {
    method: 'POST',
    body: new URLSearchParams({ user, sso }),
  });
  expect(res.status).toBe(303);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

describe('demo host', () => {
  it('signs users in through the switcher and guards the account areas', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    expect((await app.request('/api/accounts/acme/orders')).status).toBe(401);

    const max = await signIn(app, 'max');
    const area = await app.request('/api/accounts/acme/orders', { headers: { cookie: max } });
    expect(area.status).toBe(200);
    expect(await area.json()).toMatchObject({ decision: { reason: 'not_required' } });
    expect((await app.request('/api/accounts/contoso/orders', { headers: { cookie: max } })).status).toBe(
      404,
    );

    const home = await (await app.request('/', { headers: { cookie: max } })).text();
    expect(home).toContain('Max Mustermann');
    expect(home).toContain('Open Acme');
    expect(home).not.toContain('Open Contoso');
  });

  it('delegates an SSO sign-in to the Contoso directory and not to Acme', async () => {
    const { app } = createDemo({ store: memoryStore(), secret: SECRET });
    const sam = await signIn(app, 'sam', 'contoso');
    const contoso = await app.request('/api/accounts/contoso/orders', { headers: { cookie: sam } });
    expect(await contoso.json()).toMatchObject({ decision: { reason: 'sso_delegated' } });
    const acme = await app.request('/api/accounts/acme/orders', { headers: { cookie: sam } });
    expect(await acme.json()).toMatchObject({ decision: { reason: 'not_required' } });
    const policy = await app.request('/mfa/accounts/contoso/policy', { headers: { cookie: sam } });
    expect(await policy.json()).toMatchObject({ sso: { enabled: true, provider: 'Active Directory' } });
  });

  it('starts as a process on the embedded store, creating its data folder', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'mfakit-demo-')), 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, PORT: '0', MFA_DEMO_DATA: data, MFA_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (match) resolve(match[0]);
        });
        child.stderr.on('data', (chunk: Buffer) => {
          out += chunk;
        });
        child.on('exit', (code) => reject(new Error(`demo exited ${code}: ${out}`)));
      });
      const openapi = await fetch(`${url}/mfa/openapi.json`);
      expect(openapi.status).toBe(200);
      expect((await fetch(`${url}/`)).status).toBe(200);
      expect(existsSync(join(data, 'mfa.db'))).toBe(true);
      expect(existsSync(join(data, 'secret.key'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
      rmSync(join(data, '..'), { recursive: true, force: true });
    }
  });
});
