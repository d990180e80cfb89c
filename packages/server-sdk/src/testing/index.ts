/**
 * The store conformance suite, shipped as `@mfakit/server-sdk/testing` so that a
 * host that writes its own `MfaStore` proves it the way the SDK's own stores are
 * proved (memory, SQLite, PostgreSQL). One file per capability; it needs vitest,
 * which the host brings as a dev dependency.
 *
 * @example
 * // my-store.test.ts
 * import { runStoreConformance } from '@mfakit/server-sdk/testing';
 * runStoreConformance('my store', () => myStore(), { cleanup: () => truncateTables() });
 */
import { describe } from 'vitest';
import type { MfaStore } from '../store/store.ts';
import { attemptsConformance } from './attempts.ts';
import { auditConformance } from './audit.ts';
import { ceremoniesConformance } from './ceremonies.ts';
import { conformanceContext, type StoreConformanceOptions } from './context.ts';
import { deliveriesConformance } from './deliveries.ts';
import { devicesConformance } from './devices.ts';
import { factorsConformance } from './factors.ts';
import { factsVersionConformance } from './facts-version.ts';
import { graceConformance } from './grace.ts';
import { lifecycleConformance } from './lifecycle.ts';
import { manyMembersConformance } from './many-members.ts';
import { metaConformance } from './meta.ts';
import { policyConformance } from './policy.ts';
import { rolloutConformance } from './rollout.ts';
import { sessionsConformance } from './sessions.ts';
import { webauthnConformance } from './webauthn.ts';

export type { StoreConformanceOptions } from './context.ts';

/** Runs every conformance test against stores from `makeStore` (a fresh one per test). */
export function runStoreConformance(
  name: string,
  makeStore: () => Promise<MfaStore> | MfaStore,
  options: StoreConformanceOptions = {},
): void {
  describe(`MfaStore conformance: ${name}`, () => {
    const t = conformanceContext(makeStore, options);
    lifecycleConformance(t);
    policyConformance(t);
    factorsConformance(t);
    attemptsConformance(t);
    sessionsConformance(t);
    graceConformance(t);
    metaConformance(t);
    auditConformance(t);
    manyMembersConformance(t);
    webauthnConformance(t);
    devicesConformance(t);
    factsVersionConformance(t);
    ceremoniesConformance(t);
    deliveriesConformance(t);
    rolloutConformance(t);
  });
}
