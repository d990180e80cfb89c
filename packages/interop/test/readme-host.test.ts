/**
 * The README's "Embed it" server (src/readme-host.ts holds its lines, checked by
 * test/docs.test.ts), started as a host starts it: from a folder of its own, with
 * MFA_SECRET in the environment and its SQLite file made there. The guard answers
 * for the host's route, the elements' API answers the signed-in member.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const folder = mkdtempSync(join(tmpdir(), 'mfakit-readme-'));
const cwd = process.cwd();
let host: typeof import('../src/readme-host.ts');

beforeAll(async () => {
  process.chdir(folder);
  process.env.MFA_SECRET = 'the-readme-host-secret-of-32-bytes!!';
  host = await import('../src/readme-host.ts');
});

afterAll(async () => {
  await host?.close();
  process.chdir(cwd);
  rmSync(folder, { recursive: true, force: true });
});

const as = (user: string) => ({ headers: { cookie: `user=${user}; session=${user}-1` } });

describe("the README's embed", () => {
  it('guards the host route: 401 without a sign-in, 404 outside the account, through for a member', async () => {
    expect((await host.app.request('/accounts/acme/reports')).status).toBe(401);
    const outsider = await host.app.request('/accounts/acme/reports', as('olga'));
    expect(outsider.status).toBe(404);
    expect((await outsider.json()).error.code).toBe('not_member');
    const member = await host.app.request('/accounts/acme/reports', as('max'));
    expect(member.status).toBe(200);
    expect(await member.json()).toEqual({ reports: [] });
  });

  it('serves the API the elements call under /mfa, its state in data/mfa.db', async () => {
    const policy = await host.app.request('/mfa/accounts/acme/policy', as('ada'));
    expect(policy.status).toBe(200);
    expect(await policy.json()).toMatchObject({ accountId: 'acme', mode: 'optional', canManage: true });
    const setup = await host.app.request('/mfa/me/totp/setup', {
      method: 'POST',
      headers: { ...as('ada').headers, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(setup.status).toBe(200);
    expect((await setup.json()).otpauthUri).toMatch(/^otpauth:\/\/totp\/Acme%20Portal:/);
    expect(existsSync(join(folder, 'data/mfa.db'))).toBe(true);
  });
});
