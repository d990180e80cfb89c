/**
 * What a store opened on a database from before migration 0007_remembered_devices answers:
 * its policies remember no device (0 days) and keep what they accept, and devices can be
 * remembered, found and forgotten at once. Shared by the SQLite and PostgreSQL upgrade tests.
 */
import { expect } from 'vitest';
import type { MfaStore } from '../../src/index.ts';

export async function expectUpgradedForDevices(store: MfaStore, at: Date): Promise<void> {
  expect(await store.getPolicy('acme')).toEqual({
    accountId: 'acme',
    mode: 'required_all',
    gracePeriodDays: 3,
    enforceAfterSso: false,
    allowedFactors: 'phishing_resistant',
    rememberDeviceDays: 0,
    enforceFrom: null,
    version: 4,
    updatedAt: at,
    updatedBy: 'ada',
  });
  const device = {
    deviceId: 'd-max',
    userId: 'max',
    tokenHash: 'k.hash-max',
    method: 'webauthn' as const,
    label: 'Safari on macOS',
    createdAt: at,
    lastUsedAt: null,
    expiresAt: new Date(at.getTime() + 86_400_000),
  };
  await store.rememberDevice(device);
  expect(await store.findRememberedDevice('max', ['k.hash-max'])).toEqual(device);
  expect(await store.forgetRememberedDevices('max', null)).toBe(1);
}
