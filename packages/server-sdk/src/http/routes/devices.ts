import { defineRoute, iso } from '../../core/endpoint.ts';
import { emptyBody, noParams, noQuery } from '../../core/endpoint-schemas.ts';
import { forgetDevices, listDevices } from '../../devices/remembered-devices.ts';
import { clearDeviceCookie, deviceTokenOf } from '../device-cookie.ts';
import * as responses from '../response-schemas.ts';
import { deviceParams } from '../schemas.ts';
import type { RememberedDevicesForgottenResponse, RememberedDevicesResponse } from '../types.ts';

/**
 * The caller's remembered devices: list them, forget one or all. Forgetting lowers trust,
 * so it needs no step-up (a session that could not verify may still end a device's trust);
 * when the device of this request is forgotten, its cookie is cleared too.
 */
export const deviceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/me/devices',
    summary:
      "The caller's remembered devices, oldest first, with the one this request comes from marked current",
    access: 'user',
    params: noParams,
    query: noQuery,
    response: responses.rememberedDevicesResponse,
    errors: [],
    run: async ({ c, ctx, principal }): Promise<RememberedDevicesResponse> => {
      const devices = await listDevices(ctx, principal, deviceTokenOf(c, ctx));
      return {
        devices: devices.map((d) => ({
          deviceId: d.deviceId,
          label: d.label,
          createdAt: d.createdAt.toISOString(),
          lastUsedAt: iso(d.lastUsedAt),
          expiresAt: d.expiresAt.toISOString(),
          current: d.current,
        })),
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/me/devices/:deviceId',
    summary: 'Forget one remembered device: it is challenged again',
    access: 'user',
    params: deviceParams,
    query: noQuery,
    body: emptyBody,
    response: responses.rememberedDevicesForgottenResponse,
    errors: ['not_found'],
    run: async ({ c, ctx, principal, params }): Promise<RememberedDevicesForgottenResponse> => {
      const { forgotten, current } = await forgetDevices(
        ctx,
        principal,
        params.deviceId,
        deviceTokenOf(c, ctx),
      );
      if (current) clearDeviceCookie(c, ctx);
      return { forgotten };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/me/devices',
    summary: 'Forget all remembered devices of the caller',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    response: responses.rememberedDevicesForgottenResponse,
    errors: [],
    run: async ({ c, ctx, principal }): Promise<RememberedDevicesForgottenResponse> => {
      const token = deviceTokenOf(c, ctx);
      const { forgotten } = await forgetDevices(ctx, principal, null, token);
      if (token !== undefined) clearDeviceCookie(c, ctx);
      return { forgotten };
    },
  }),
];
