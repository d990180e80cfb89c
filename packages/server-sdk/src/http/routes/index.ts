import type { RouteDef } from '../route.ts';
import { accountRoutes } from './account.ts';
import { challengeRoutes } from './challenge.ts';
import { deviceRoutes } from './devices.ts';
import { meRoutes } from './me.ts';
import { webauthnRoutes } from './webauthn.ts';

/** Every endpoint of the HTTP API (DESIGN.md, "HTTP API"), in the order of that table. */
export const routes: readonly RouteDef[] = [
  ...accountRoutes,
  ...meRoutes,
  ...webauthnRoutes,
  ...challengeRoutes,
  ...deviceRoutes,
];
