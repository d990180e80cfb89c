import type { PolicyMode, Role } from '@mfakit/server-sdk';

export const policyModes: readonly PolicyMode[] = ['optional', 'required_admins', 'required_all'];

export function requires(mode: PolicyMode, role: Role): boolean {
  return mode === 'required_all' || (mode === 'required_admins' && role === 'admin');
}
