import type { DeviceStore } from '../device-store.ts';
import type { MemoryState } from './state.ts';

/** Remembered devices. In memory: each method runs to completion without an `await` between its read and its write. */
export function devicesMethods(mem: MemoryState): DeviceStore {
  return {
    async rememberDevice(device, write, session) {
      if (session) {
        const now = mem.sessions.get(mem.sessionKey(device.userId, session.sessionId));
        const asVerified =
          session.userId === device.userId &&
          now?.verifiedAt.getTime() === session.verifiedAt.getTime() &&
          now.method === session.method;
        if (!asVerified) return false;
      }
      mem.devices.set(device.deviceId, { ...device });
      mem.recordWith(write, true);
      return true;
    },
    async findRememberedDevice(userId, tokenHashes) {
      for (const device of mem.devices.values()) {
        if (device.userId === userId && tokenHashes.includes(device.tokenHash)) return { ...device };
      }
      return null;
    },
    async listRememberedDevices(userId) {
      return [...mem.devices.values()]
        .filter((d) => d.userId === userId)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map((d) => ({ ...d }));
    },
    async useRememberedDevice(userId, deviceId, session, rehash) {
      const device = mem.devices.get(deviceId);
      if (!device || device.userId !== userId || session.userId !== userId) return false;
      device.lastUsedAt = session.verifiedAt;
      if (rehash !== undefined) device.tokenHash = rehash;
      mem.sessions.set(mem.sessionKey(userId, session.sessionId), { ...session });
      return true;
    },
    async forgetRememberedDevices(userId, deviceId, write) {
      const n = mem.forgetDevices(userId, deviceId);
      if (n > 0) mem.recordWith(write, n);
      return n;
    },
  };
}
