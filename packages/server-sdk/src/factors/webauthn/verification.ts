/**
 * Verifying a session with a passkey or security key: the options for
 * `navigator.credentials.get()`, and an assertion judged into the proof a challenge attempt
 * settles under the back-off (attempts/). Registering, renaming and removing credentials is
 * in enrollment.ts.
 */

import type { AttemptProof } from '../../attempts/settle.ts';
import type { MfaContext } from '../../core/context.ts';
import type { RequestSite } from '../../core/endpoint.ts';
import { fromBase64Url } from '../../crypto/encoding.ts';
import { MfaError } from '../../errors.ts';
import type { Principal, WebAuthnCredentialRecord } from '../../model.ts';
import {
  answeredChallenge,
  relyingParty,
  rememberChallenge,
  takeChallenge,
  userHandle,
  WEBAUTHN_CHALLENGE_TTL_MS,
} from './ceremony.ts';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from './library.ts';

/** The options for `navigator.credentials.get()`: the user's credentials, a new challenge. */
export async function beginAuthentication(
  ctx: MfaContext,
  principal: Principal,
  site: RequestSite,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const credentials = await ctx.store.listWebAuthnCredentials(principal.userId);
  if (credentials.length === 0)
    throw MfaError.of('not_enrolled', {}, 'No passkey or security key is set up.');
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx, site).rpId,
    allowCredentials: credentials.map(({ credentialId, transports }) => ({ id: credentialId, transports })),
    userVerification: 'preferred',
    timeout: WEBAUTHN_CHALLENGE_TTL_MS,
  });
  await rememberChallenge(ctx, principal, options.challenge, 'authentication');
  return options;
}

/**
 * Judges an assertion against one of the user's credentials (`null`: none of that id,
 * or another user's) and the challenge it answers (`null`: none it could name): the
 * proof a challenge attempt settles. `userHandle` is the user's, read when the
 * assertion names one. Anything wrong with it
 * (signature, origin, rpId, the credential, its encoding) is `invalid`; a signature
 * counter that did not move on (when it or the stored one is not 0) is `counter_regressed`.
 * Never throws for what the client sent.
 */
export async function judgeAssertion(
  ctx: MfaContext,
  site: RequestSite,
  response: AuthenticationResponseJSON,
  expectedChallenge: string | null,
  credential: WebAuthnCredentialRecord | null,
  userHandle: string | undefined,
): Promise<Extract<AttemptProof, { kind: 'webauthn' }>> {
  const invalid = {
    kind: 'webauthn',
    verdict: 'invalid',
    credentialId: response.id,
    expectedCounter: credential?.counter ?? 0,
    counter: credential?.counter ?? 0,
    backedUp: credential?.backedUp ?? false,
  } as const;
  if (!credential || expectedChallenge === null) return invalid;
  // A discoverable credential names its user: it must be this one.
  if (response.response.userHandle !== undefined && response.response.userHandle !== userHandle)
    return invalid;
  const party = relyingParty(ctx, site);
  // Judged against the relying party it was registered for (credentials of before 0010: today's).
  const rpId = credential.rpId ?? party.rpId;
  const { origins } = party;
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      // The counter is judged below, so that a regression is told from a bad signature.
      credential: {
        id: credential.credentialId,
        publicKey: fromBase64Url(credential.publicKey),
        counter: 0,
        transports: credential.transports,
      },
      requireUserVerification: false,
    });
  } catch {
    return invalid;
  }
  if (!verified.verified) return invalid;
  const { newCounter, credentialBackedUp } = verified.authenticationInfo;
  const regressed = (newCounter !== 0 || credential.counter !== 0) && newCounter <= credential.counter;
  return {
    kind: 'webauthn',
    verdict: regressed ? 'counter_regressed' : 'valid',
    credentialId: credential.credentialId,
    expectedCounter: credential.counter,
    counter: regressed ? credential.counter : newCounter,
    backedUp: credentialBackedUp,
  };
}

/**
 * A WebAuthn assertion as a proof: its challenge taken first (single use, this session's;
 * `challenge_expired` otherwise, nothing counted), then judged against the user's own
 * credential of its id. One that names no challenge is a failed assertion like any other.
 */
export async function passkeyProof(
  ctx: MfaContext,
  principal: Principal,
  response: AuthenticationResponseJSON,
  site: RequestSite,
): Promise<AttemptProof> {
  const answered = answeredChallenge(response.response.clientDataJSON);
  const expected = answered === null ? null : await takeChallenge(ctx, principal, answered, 'authentication');
  const credential = await ctx.store.getWebAuthnCredential(principal.userId, response.id);
  // A discoverable credential names its user (the random handle): read only when it does.
  const handle =
    response.response.userHandle === undefined ? undefined : await userHandle(ctx, principal.userId);
  return judgeAssertion(ctx, site, response, expected, credential, handle);
}
