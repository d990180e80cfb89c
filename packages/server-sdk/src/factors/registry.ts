/**
 * The factors, one folder each: the second factors by method, which the compiler holds to
 * `factorMethods` (a method without its folder here does not compile), and the recovery
 * codes, the way back in. What iterates factors (`GET /me`, the HTTP API's endpoints and
 * its OpenAPI document) iterates this; what an account accepts and the compliance counts
 * read the kinds (`factorKinds` in model.ts).
 */
import type { RouteDef } from '../core/endpoint.ts';
import type { FactorMethod } from '../model.ts';
import type { FactorFolder, SecondFactor } from './factor-module.ts';
import { recoveryCodesFolder } from './recovery-codes/factor.ts';
import type { FactorResponse } from './responses.ts';
import { totpFactor } from './totp/factor.ts';
import { webauthnFactor } from './webauthn/factor.ts';

/** Each second factor's folder, by its method, in `factorMethods`' order. */
export const secondFactors = {
  totp: totpFactor,
  webauthn: webauthnFactor,
} satisfies { [M in FactorMethod]: SecondFactor<M> };

export type { FactorResponse } from './responses.ts';

/** What the folders list is what the API says they list. */
type Listed = Awaited<ReturnType<(typeof secondFactors)[FactorMethod]['listFactors']>>[number];
const listedAsDeclared: [Listed] extends [FactorResponse]
  ? [FactorResponse] extends [Listed]
    ? true
    : false
  : false = true;
void listedAsDeclared;

type Listing = (typeof secondFactors)[FactorMethod]['listing'];

/** The schemas of `GET /me`'s `factors` entries, one per kind, in `factorMethods`' order. */
export const factorListings = Object.values(secondFactors).map((factor) => factor.listing) as [
  Listing,
  ...Listing[],
];

/** Every factor's folder, in the order of the design's HTTP API table (the app, recovery codes, passkeys). */
export const factorFolders: readonly FactorFolder[] = [
  secondFactors.totp,
  recoveryCodesFolder,
  secondFactors.webauthn,
];

/** Every endpoint the factors' folders declare, for http/ to mount and document. */
export const factorEndpoints: readonly RouteDef[] = factorFolders.flatMap((folder) => folder.endpoints);
