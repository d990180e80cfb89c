/** The recovery codes' answers in the HTTP API (types only). */

export interface RecoveryCodesResponse {
  recoveryCodes: string[];
}
