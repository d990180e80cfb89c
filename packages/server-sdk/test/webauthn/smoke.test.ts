import { expect, it } from 'vitest';
import { createHarness } from '../support.ts';
import { softwareAuthenticator } from './authenticator.ts';
import { addPasskey, verifyWithPasskey } from './passkeys.ts';

it.each(['ES256', 'EdDSA', 'RS256'] as const)('registers and verifies with %s', async (algorithm) => {
  const h = createHarness();
  const key = softwareAuthenticator({ algorithm });
  const added = await addPasskey(h, { as: 'max' }, key, { name: 'Laptop' });
  expect(added.status, JSON.stringify(added.body)).toBe(200);
  expect(added.body.recoveryCodes).toHaveLength(10);
  const verified = await verifyWithPasskey(h, { as: 'max', session: 'max-s2' }, key);
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  expect(verified.body.method).toBe('webauthn');
});
