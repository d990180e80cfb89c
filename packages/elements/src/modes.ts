// The policy modes, whom each requires MFA of, and the accepted methods, as the SDK's model defines them.
// They are a copy: the published elements import nothing from the SDK at run time,
// so a page that installs only the elements installs no SDK (nor its native SQLite
// driver). The copy cannot drift: `policyModes` must be the SDK's tuple, the same
// modes in the same order, or the type check fails; test/model.node.test.ts holds
// `requires` to the SDK's `policyRequires` for every mode and role.
import type {
  PolicyMode,
  Role,
  allowedFactorsValues as sdkAllowedFactorsValues,
  policyModes as sdkPolicyModes,
} from '@mfakit/server-sdk/model';

export const policyModes = [
  'optional',
  'required_admins',
  'required_all',
] as const satisfies typeof sdkPolicyModes;

/** Whether a policy requires MFA of a member with this role (the SDK's `policyRequires`). */
export function requires(mode: PolicyMode, role: Role): boolean {
  return mode === 'required_all' || (mode === 'required_admins' && role === 'admin');
}

/** The accepted methods of an account, in the SDK's order (`any` first, the default). */
export const allowedFactorsValues = [
  'any',
  'phishing_resistant',
] as const satisfies typeof sdkAllowedFactorsValues;
