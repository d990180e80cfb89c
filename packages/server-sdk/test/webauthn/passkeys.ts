/**
 * Driving WebAuthn ceremonies through the HTTP API with a software authenticator, as a
 * browser page on the harness's origin (`http://portal.test`) would.
 */
import type { Harness, RequestOptions } from '../support.ts';
import {
  type AssertionOverrides,
  type CeremonyOverrides,
  type SoftwareAuthenticator,
  softwareAuthenticator,
} from './authenticator.ts';

/** The harness host's origin: the page every ceremony runs on unless a test says otherwise. */
export const ORIGIN = 'http://portal.test';

type As = Pick<RequestOptions, 'as' | 'session'>;

/** `POST /me/webauthn/registration`, then the authenticator's answer to `POST /me/webauthn/credentials`. */
export async function addPasskey(
  h: Harness,
  who: As,
  key: SoftwareAuthenticator = softwareAuthenticator(),
  overrides: Partial<CeremonyOverrides> & { name?: string } = {},
) {
  const begun = await h.json('POST', '/mfa/me/webauthn/registration', who);
  if (begun.status !== 200) return { ...begun, key, credentialId: undefined };
  const { name, ...ceremony } = overrides;
  const response = key.register(begun.body.options, { origin: ORIGIN, ...ceremony });
  const added = await h.json('POST', '/mfa/me/webauthn/credentials', {
    ...who,
    body: { response, ...(name === undefined ? {} : { name }) },
  });
  return { ...added, key, credentialId: response.id, response };
}

/** `POST /challenge/webauthn`, then the authenticator's assertion to `POST /challenge`. */
export async function verifyWithPasskey(
  h: Harness,
  who: As,
  key: SoftwareAuthenticator,
  overrides: Partial<AssertionOverrides> = {},
) {
  const begun = await h.json('POST', '/mfa/challenge/webauthn', who);
  if (begun.status !== 200) return { ...begun, assertion: undefined };
  const assertion = key.authenticate(begun.body.options, { origin: ORIGIN, ...overrides });
  const verified = await h.json('POST', '/mfa/challenge', { ...who, body: { webauthn: assertion } });
  return { ...verified, assertion, options: begun.body.options };
}
