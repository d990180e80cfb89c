/**
 * WebAuthn (passkeys and security keys) through @simplewebauthn/server: where a
 * ceremony may run, its challenges (random, single use, bound to the user and the
 * session, five minutes, kept in the store so that any instance can finish what
 * another began), and judging an assertion. Registering, renaming and removing
 * credentials is in webauthn-enrollment.ts; settling an assertion under the
 * back-off in challenge/challenge.ts.
 */
import { pruneAsWritesGo } from '../access/sessions.ts';
import type { MfaContext } from '../core/context.ts';
import { fromBase64Url } from '../crypto/encoding.ts';
import { MfaError } from '../errors.ts';
import type { Principal, WebAuthnChallengeRecord, WebAuthnCredentialRecord } from '../model.ts';
import type { AttemptProof } from '../store/store.ts';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from './webauthn-library.ts';

/** How long a ceremony's challenge may be answered. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;
/** ES256, EdDSA, RS256 (COSE algorithm ids). */
export const WEBAUTHN_ALGORITHMS = [-7, -8, -257];

/** The request a ceremony runs for: its origin and host name (`https://portal.example`, `portal.example`). */
export interface RequestSite {
  origin: string;
  hostname: string;
}

/** Where a ceremony may run: the relying party and the origins it accepts. */
export interface RelyingParty {
  rpId: string;
  rpName: string;
  origins: string[];
}

/** Host names where a ceremony may run for the request's own host: development on this machine. */
const DEVELOPMENT_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The relying party `createMfa({ webauthn })` configures (`null`: none is). */
export function configuredRelyingParty(options: MfaContext['options']): RelyingParty | null {
  const { webauthn, issuer, allowedOrigins = [] } = options;
  const rpId =
    webauthn?.rpId ?? (webauthn?.origin === undefined ? undefined : new URL(webauthn.origin).hostname);
  if (rpId === undefined) return null;
  const origins = webauthn?.origins ?? [webauthn?.origin ?? `https://${rpId}`, ...allowedOrigins];
  return { rpId, rpName: webauthn?.rpName ?? issuer, origins: [...origins] };
}

/**
 * The relying party for a request: the configured one; without one, the request's own host
 * only in development (`localhost`, `127.0.0.1`, `::1`), else `webauthn_not_configured`. A
 * request's Host header never decides where passkeys belong: behind a proxy that passes it
 * on, or a catch-all virtual host, a phishing site would get passkeys of its own.
 */
export function relyingParty(ctx: MfaContext, site: RequestSite): RelyingParty {
  const configured = configuredRelyingParty(ctx.options);
  if (configured) return configured;
  if (!DEVELOPMENT_HOSTS.has(site.hostname)) throw MfaError.of('webauthn_not_configured');
  const { issuer, allowedOrigins = [] } = ctx.options;
  return {
    rpId: site.hostname,
    rpName: ctx.options.webauthn?.rpName ?? issuer,
    origins: [site.origin, ...allowedOrigins],
  };
}

/** Stores a ceremony's challenge for this user's session, for five minutes. */
export async function rememberChallenge(
  ctx: MfaContext,
  principal: Principal,
  challenge: string,
  ceremony: WebAuthnChallengeRecord['ceremony'],
): Promise<void> {
  const expiresAt = new Date(ctx.now().getTime() + WEBAUTHN_CHALLENGE_TTL_MS);
  await ctx.store.putWebAuthnChallenge({
    challenge,
    userId: principal.userId,
    sessionId: principal.sessionId,
    ceremony,
    expiresAt,
  });
  await pruneAsWritesGo(ctx);
}

/** The challenge a response answers, as its `clientDataJSON` names it (`null`: not readable). */
export function answeredChallenge(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(new TextDecoder().decode(fromBase64Url(clientDataJSON))) as {
      challenge?: unknown;
    };
    return typeof data.challenge === 'string' && /^[A-Za-z0-9_-]{1,512}$/.test(data.challenge)
      ? data.challenge
      : null;
  } catch {
    return null;
  }
}

/**
 * Takes the challenge a response answers, if this session of this user was given it
 * for this ceremony and it has not expired; else `challenge_expired` (a challenge is
 * answered once, whatever the answer).
 */
export async function takeChallenge(
  ctx: MfaContext,
  principal: Principal,
  challenge: string,
  ceremony: WebAuthnChallengeRecord['ceremony'],
): Promise<string> {
  const taken = await ctx.store.takeWebAuthnChallenge(
    principal.userId,
    principal.sessionId,
    challenge,
    ceremony,
  );
  if (!taken || taken.expiresAt.getTime() <= ctx.now().getTime()) throw MfaError.of('challenge_expired');
  return taken.challenge;
}

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
