import { expect } from '@open-wc/testing';
import { addPasskeyByApi, api, login, reset, virtualAuthenticator } from '../test/helpers.ts';
import { passkeyCeremony } from './webauthn.ts';
import { webauthnSupported } from './webauthn-support.ts';

type Helpers = {
  parseCreationOptionsFromJSON?: unknown;
  parseRequestOptionsFromJSON?: unknown;
};

/**
 * Browsers before the WebAuthn JSON helpers (Safari before 18.4, older Chrome and
 * Firefox) take the options and give the credential as buffers: the helper's own
 * base64url conversions stand in. Here Chromium's helpers are hidden and a real
 * ceremony runs through the conversions against the SDK.
 */
describe('WebAuthn in the browser', () => {
  beforeEach(async () => {
    await reset();
    await login('max');
    await virtualAuthenticator('add');
  });
  afterEach(() => virtualAuthenticator('remove'));

  it('is supported on a secure page (localhost)', () => {
    expect(window.isSecureContext).to.equal(true);
    expect(location.hostname).to.equal('localhost');
    expect(webauthnSupported()).to.equal(true);
  });

  it('registers and verifies through its own conversions where the browser has no JSON helpers', async () => {
    const statics = PublicKeyCredential as unknown as Helpers;
    const saved = {
      creation: Object.getOwnPropertyDescriptor(PublicKeyCredential, 'parseCreationOptionsFromJSON'),
      request: Object.getOwnPropertyDescriptor(PublicKeyCredential, 'parseRequestOptionsFromJSON'),
      toJSON: Object.getOwnPropertyDescriptor(PublicKeyCredential.prototype, 'toJSON'),
    };
    for (const [target, name] of [
      [PublicKeyCredential, 'parseCreationOptionsFromJSON'],
      [PublicKeyCredential, 'parseRequestOptionsFromJSON'],
      [PublicKeyCredential.prototype, 'toJSON'],
    ] as const) {
      Object.defineProperty(target, name, { value: undefined, configurable: true, writable: true });
    }
    try {
      expect(statics.parseCreationOptionsFromJSON).to.equal(undefined);
      const { credential, recoveryCodes } = await addPasskeyByApi('Old browser');
      expect(credential.name).to.equal('Old browser');
      expect(recoveryCodes).to.have.length(10);

      await login('max'); // a new session, not yet verified
      const options = await api('POST', '/challenge/webauthn', {});
      expect(options.status).to.equal(200);
      const response = await passkeyCeremony('get', options.body.options);
      expect(response.id).to.equal(credential.credentialId);
      const verified = await api('POST', '/challenge', { webauthn: response });
      expect(verified.status).to.equal(200);
      expect(verified.body).to.include({ verified: true, method: 'webauthn' });
    } finally {
      if (saved.creation)
        Object.defineProperty(PublicKeyCredential, 'parseCreationOptionsFromJSON', saved.creation);
      if (saved.request)
        Object.defineProperty(PublicKeyCredential, 'parseRequestOptionsFromJSON', saved.request);
      if (saved.toJSON) Object.defineProperty(PublicKeyCredential.prototype, 'toJSON', saved.toJSON);
    }
  });
});
