import { attemptsMethods } from './memory/attempts.ts';
import { auditMethods } from './memory/audit.ts';
import { deliveriesMethods } from './memory/deliveries.ts';
import { devicesMethods } from './memory/devices.ts';
import { factorsMethods } from './memory/factors.ts';
import { graceMethods } from './memory/grace.ts';
import { metaMethods } from './memory/meta.ts';
import { policyMethods } from './memory/policy.ts';
import { recoveryCodesMethods } from './memory/recovery-codes.ts';
import { rolloutMethods } from './memory/rollout.ts';
import { sessionsMethods } from './memory/sessions.ts';
import { memoryState } from './memory/state.ts';
import { totpMethods } from './memory/totp.ts';
import { webauthnMethods } from './memory/webauthn.ts';
import type { MfaStore } from './store.ts';

/**
 * A store in this process's memory: for tests and single-process evaluation.
 * Its state is lost on restart. Each method runs to completion without an
 * `await` in between, which is what makes its read-modify-writes atomic.
 *
 * @example
 * const mfa = createMfa({ store: memoryStore(), ... });
 */
export function memoryStore(): MfaStore {
  const mem = memoryState();
  return {
    async migrate() {},
    async close() {},
    ...policyMethods(mem),
    ...factorsMethods(mem),
    ...totpMethods(mem),
    ...webauthnMethods(mem),
    ...recoveryCodesMethods(mem),
    ...devicesMethods(mem),
    ...attemptsMethods(mem),
    ...sessionsMethods(mem),
    ...graceMethods(mem),
    ...metaMethods(mem),
    ...auditMethods(mem),
    ...deliveriesMethods(mem),
    ...rolloutMethods(mem),
  };
}
