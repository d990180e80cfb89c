/**
 * A user's passkeys and security keys: registering one (the first factor of any kind
 * brings the ten recovery codes), renaming and removing one. Each change of trust ends
 * the user's other verified sessions in the same transaction.
 */
import { recordedChange } from '../../core/audit.ts';
import type { MfaContext } from '../../core/context.ts';
import type { RequestSite } from '../../core/endpoint.ts';
import { userFactorMethods } from '../../core/user-state.ts';
import { fromBase64Url, toBase64Url } from '../../crypto/encoding.ts';
import { MfaError } from '../../errors.ts';
import { MAX_WEBAUTHN_CREDENTIALS, type Principal, type WebAuthnCredentialRecord } from '../../model.ts';
import { requireBindingStepUp } from '../../policy/binding-step-up.ts';
import { removalRule } from '../../policy/policy.ts';
import { issueRecoveryCodes } from '../recovery-codes/renewal.ts';
import {
  answeredChallenge,
  relyingParty,
  rememberChallenge,
  userHandle,
  WEBAUTHN_ALGORITHMS,
  WEBAUTHN_CHALLENGE_TTL_MS,
} from './ceremony.ts';
import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from './library.ts';

/** The name of a credential registered without one. */
export const DEFAULT_CREDENTIAL_NAME = 'Passkey';

const tooManyCredentials = () => MfaError.of('too_many_credentials');

/** The options for `navigator.credentials.create()`: a new challenge, the user's credentials excluded. */
export async function beginRegistration(
  ctx: MfaContext,
  principal: Principal,
  site: RequestSite,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { userId } = principal;
  const [credentials, handle] = await Promise.all([
    ctx.store.listWebAuthnCredentials(userId),
    userHandle(ctx, userId),
  ]);
  if (credentials.length >= MAX_WEBAUTHN_CREDENTIALS) throw tooManyCredentials();
  const { rpId, rpName } = relyingParty(ctx, site);
  const name = principal.email ?? userId;
  const options = await generateRegistrationOptions({
    rpName,
    rpID: rpId,
    userName: name,
    userDisplayName: name,
    userID: fromBase64Url(handle),
    attestationType: 'none',
    excludeCredentials: credentials.map(({ credentialId, transports }) => ({ id: credentialId, transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    supportedAlgorithmIDs: WEBAUTHN_ALGORITHMS,
    timeout: WEBAUTHN_CHALLENGE_TTL_MS,
  });
  await rememberChallenge(ctx, principal, options.challenge, 'registration');
  return options;
}

/**
 * Verifies the authenticator's answer to a registration this session began and adds
 * the credential: the user's other verified sessions end, this one is marked verified by
 * the registration (`webauthn_registration`: it lets the user in, but it proves the new key,
 * not the person, so it is never a step-up), and when it is the user's first factor the
 * answer carries the ten recovery codes. What the registration began with is checked again
 * (the step-up, against the factors the user holds now), and the registration must still be
 * open when the credential is added: a trust change since it began has discarded it.
 */
export async function finishRegistration(
  ctx: MfaContext,
  principal: Principal,
  site: RequestSite,
  response: RegistrationResponseJSON,
  name: string = DEFAULT_CREDENTIAL_NAME,
): Promise<{ credential: WebAuthnCredentialRecord; recoveryCodes?: string[] }> {
  const { userId, sessionId } = principal;
  await requireBindingStepUp(ctx, principal);
  const challenge = answeredChallenge(response.response.clientDataJSON);
  if (challenge === null) throw MfaError.of('invalid_credential');
  // Read, not taken: the addition takes it, in its write, while it is still open.
  const open = await ctx.store.findWebAuthnChallenge(userId, sessionId, challenge, 'registration');
  if (!open || open.expiresAt.getTime() <= ctx.now().getTime()) throw MfaError.of('challenge_expired');
  const burn = () => ctx.store.takeWebAuthnChallenge(userId, sessionId, challenge, 'registration');
  const { rpId, origins } = relyingParty(ctx, site);
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo'];
  try {
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: open.challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      requireUserVerification: false,
      supportedAlgorithmIDs: WEBAUTHN_ALGORITHMS,
    });
    info = verified.registrationInfo;
  } catch {
    info = undefined;
  }
  if (!info) {
    // A challenge is answered once, whatever the answer.
    await burn();
    throw MfaError.of('invalid_credential');
  }
  const now = ctx.now();
  const credential: WebAuthnCredentialRecord = {
    userId,
    credentialId: info.credential.id,
    publicKey: toBase64Url(info.credential.publicKey),
    counter: info.credential.counter,
    transports: response.response.transports ?? info.credential.transports ?? [],
    backedUp: info.credentialBackedUp,
    name,
    createdAt: now,
    lastUsedAt: null,
    rpId,
    aaguid: info.aaguid,
  };
  const { codes, hashes } = issueRecoveryCodes(ctx);
  const session = { sessionId, userId, verifiedAt: now, method: 'webauthn_registration' as const };
  const result = await recordedChange(
    ctx,
    (audit) =>
      ctx.store.addWebAuthnCredential(
        credential,
        { limit: MAX_WEBAUTHN_CREDENTIALS, recoveryCodeHashes: hashes, session, challenge },
        audit,
      ),
    (added) => ({
      type: 'webauthn.registered',
      actorId: userId,
      userId,
      accountId: null,
      before: null,
      after: {
        credentialId: credential.credentialId,
        name,
        firstFactor: added.added && added.recoveryCodesIssued,
      },
    }),
    { user: userId },
  );
  if (!result.added) {
    if (result.reason === 'ceremony_gone') throw MfaError.of('challenge_expired');
    await burn();
    throw result.reason === 'too_many'
      ? tooManyCredentials()
      : MfaError.of('invalid_credential', {}, 'This passkey or security key is registered already.');
  }
  // After the change: the cache forgot the user's sessions with it.
  ctx.cache.rememberSession(session);
  return result.recoveryCodesIssued ? { credential, recoveryCodes: codes } : { credential };
}

const noSuchCredential = () => MfaError.of('not_found', {}, 'No such passkey or security key.');

/** Renames one of the user's credentials. */
export async function renameCredential(
  ctx: MfaContext,
  principal: Principal,
  credentialId: string,
  name: string,
): Promise<WebAuthnCredentialRecord> {
  const { userId } = principal;
  const credential = await ctx.store.getWebAuthnCredential(userId, credentialId);
  if (!credential) throw noSuchCredential();
  const renamed = await recordedChange(
    ctx,
    (audit) => ctx.store.renameWebAuthnCredential(userId, credentialId, name, audit),
    {
      type: 'webauthn.renamed',
      actorId: userId,
      userId,
      accountId: null,
      before: { credentialId, name: credential.name },
      after: { credentialId, name },
    },
  );
  if (!renamed) throw noSuchCredential();
  return { ...credential, name };
}

/**
 * Removes one of the user's credentials, unless that leaves an account that requires
 * MFA of the user without a factor it accepts. Every other verified session ends (this
 * one stays verified while the user keeps a factor); with the last factor, the recovery
 * codes go too.
 */
export async function removeCredential(
  ctx: MfaContext,
  principal: Principal,
  credentialId: string,
): Promise<void> {
  const { userId } = principal;
  const [credentials, methods] = await Promise.all([
    ctx.store.listWebAuthnCredentials(userId),
    userFactorMethods(ctx, userId),
  ]);
  const removing = credentials.find((c) => c.credentialId === credentialId);
  if (!removing) throw noSuchCredential();
  const remaining = methods.filter((method) => method !== 'webauthn' || credentials.length > 1);
  const { mustKeep, refusal } = await removalRule(ctx, userId, methods, remaining);
  const keep = remaining.length > 0 ? principal.sessionId : undefined;
  const removed = await recordedChange(
    ctx,
    (audit) => ctx.store.deleteWebAuthnCredential(userId, credentialId, audit, keep, mustKeep),
    {
      type: 'webauthn.removed',
      actorId: userId,
      userId,
      accountId: null,
      // Its name, for the activity log and the user's notification ("Passkey removed: YubiKey").
      before: { credentialId, name: removing.name, enrolled: true },
      after: { enrolled: remaining.length > 0 },
    },
    { user: userId },
  );
  if (!removed) {
    // Judged again inside the write: another removal took the factor this one left.
    if (!(await ctx.store.getWebAuthnCredential(userId, credentialId))) throw noSuchCredential();
    throw refusal();
  }
}
