/**
 * What a store opened on a database from before migration 0006_webauthn answers: its
 * policies accept any factor, its sessions were verified with the app, and WebAuthn
 * credentials, user handles and challenges can be written at once. Shared by the SQLite
 * and PostgreSQL upgrade tests.
 */
import { expect } from 'vitest';
import type { MfaStore } from '../../src/index.ts';

export async function expectUpgradedForWebAuthn(store: MfaStore, at: Date): Promise<void> {
  expect(await store.getPolicy('acme')).toEqual({
    accountId: 'acme',
    mode: 'required_all',
    gracePeriodDays: 3,
    enforceAfterSso: true,
    allowedFactors: 'any',
    rememberDeviceDays: 0,
    enforceFrom: null,
    version: 2,
    updatedAt: at,
    updatedBy: 'ada',
  });
  expect(await store.getSession('max', 's-max')).toEqual({
    sessionId: 's-max',
    userId: 'max',
    verifiedAt: at,
    method: 'totp',
  });
  const handle = await store.webAuthnUserHandle('max', 'handle-max');
  expect(handle).toBe('handle-max');
  const credential = {
    userId: 'max',
    credentialId: 'cred-max',
    publicKey: 'pk',
    counter: 0,
    transports: ['internal'],
    backedUp: true,
    name: 'Laptop',
    createdAt: at,
    lastUsedAt: null,
  };
  const session = { userId: 'max', sessionId: 's-max', verifiedAt: at, method: 'webauthn' as const };
  expect(
    await store.addWebAuthnCredential(credential, { limit: 10, recoveryCodeHashes: ['h1'], session }),
  ).toEqual({ added: true, recoveryCodesIssued: true });
  expect(await store.listWebAuthnCredentials('max')).toEqual([credential]);
  expect((await store.getEnrollments(['max'])).get('max')).toEqual({ methods: ['webauthn'], since: at });
  expect(await store.getSession('max', 's-max')).toMatchObject({ method: 'webauthn' });
}
