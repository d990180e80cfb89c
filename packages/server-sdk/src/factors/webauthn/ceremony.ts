/**
 * Where a WebAuthn ceremony may run (the relying party), the user's random handle, and the
 * ceremonies' challenges: random, single use, bound to the user and the session, five
 * minutes, kept in the store so that any instance can finish what another began.
 */
import { pruneAsWritesGo } from '../../attempts/prune.ts';
import type { MfaContext } from '../../core/context.ts';
import type { RequestSite } from '../../core/endpoint.ts';
import { fromBase64Url, toBase64Url } from '../../crypto/encoding.ts';
import { MfaError } from '../../errors.ts';
import type { Principal, WebAuthnChallengeRecord } from '../../model.ts';

/** How long a ceremony's challenge may be answered. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;
/** ES256, EdDSA, RS256 (COSE algorithm ids). */
export const WEBAUTHN_ALGORITHMS = [-7, -8, -257];

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

/** The user's random WebAuthn user handle (base64url of 32 bytes), made on first use; never the host's user id. */
export function userHandle(ctx: MfaContext, userId: string): Promise<string> {
  return ctx.store.webAuthnUserHandle(userId, toBase64Url(crypto.getRandomValues(new Uint8Array(32))));
}
