/**
 * Every factor's answers in the HTTP API, types only (the elements' client declares its calls
 * with them; nothing here reaches the browser but types).
 */
import type { FactorMethod } from '../model.ts';
import type { TotpFactorResponse } from './totp/responses.ts';
import type { WebAuthnFactorResponse } from './webauthn/responses.ts';

export type { RecoveryCodesResponse } from './recovery-codes/responses.ts';
export type * from './totp/responses.ts';
export type * from './webauthn/responses.ts';

/** Each second factor's entry among `GET /me`'s `factors`, by method: a method without one does not compile. */
interface FactorResponses {
  totp: TotpFactorResponse;
  webauthn: WebAuthnFactorResponse;
}

/** One entry of `GET /me`'s `factors`: a second factor of any kind. */
export type FactorResponse = { [M in FactorMethod]: FactorResponses[M] }[FactorMethod];
