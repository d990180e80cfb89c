import type { RouteDef } from '../../core/endpoint.ts';
import { factorEndpoints } from '../../factors/registry.ts';
import { accountRoutes } from './account.ts';
import { challengeRoutes } from './challenge.ts';
import { deviceRoutes } from './devices.ts';
import { exportRoutes } from './exports.ts';
import { meRoutes } from './me.ts';
import { rolloutRoutes } from './rollout.ts';

/**
 * Every endpoint of the HTTP API (DESIGN.md, "HTTP API"), in the order of that table: the
 * account's, the caller's own MFA, what each factor's folder declares, the challenge, the
 * remembered devices, the rollout's reminders and nudge.
 */
export const routes: readonly RouteDef[] = [
  ...accountRoutes,
  ...exportRoutes,
  ...meRoutes,
  ...factorEndpoints,
  ...challengeRoutes,
  ...deviceRoutes,
  ...rolloutRoutes,
];
