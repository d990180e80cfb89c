/**
 * Shared by the adversarial tests: a store wrapper that records calls and
 * injects faults, SQLite files in a temporary folder, and small readers of
 * what a user's session and factor look like from outside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MfaStore } from '../../src/index.ts';
import type { Harness } from '../harness.ts';

/** How an armed fault strikes: the call never happens (throw, hang), or happens and then throws (after). */
export type FaultMode = 'throw' | 'hang' | 'after';

export interface Fault {
  mode: FaultMode;
  /** Strike the n-th call (1-based) counted from `arm`; default every matching call. */
  at?: number;
  /** Count and strike calls of this method only; default every method. */
  method?: keyof MfaStore;
}

export interface FaultyStore {
  store: MfaStore;
  /** Method names called since the last `arm` or `record`, in order. */
  calls: string[];
  /** The same calls with their arguments. */
  log: { method: string; args: unknown[] }[];
  /** Starts recording calls without faults. */
  record(): void;
  /** Starts counting calls and strikes as `fault` says. */
  arm(fault: Fault): void;
  /** Stops striking (recording goes on). */
  disarm(): void;
  /** Whether the armed fault has struck since `arm`. */
  struck(): boolean;
}

/** Calls that set up a store rather than use it: never counted or struck. */
const LIFECYCLE = new Set(['migrate', 'close']);

/**
 * Wraps a store so a test can strike one call of a flow: the store stays the
 * real one (memory or SQLite), so what a fault leaves behind is what that store
 * really holds afterwards.
 */
export function faultyStore(inner: MfaStore): FaultyStore {
  let fault: Fault | null = null;
  let seen = 0;
  let hit = false;
  const calls: string[] = [];
  const log: { method: string; args: unknown[] }[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || LIFECYCLE.has(property))
        return value;
      return async (...args: unknown[]) => {
        calls.push(property);
        log.push({ method: property, args });
        const matches = fault !== null && (fault.method === undefined || fault.method === property);
        const strike = matches && ++seen === (fault?.at ?? seen);
        if (!strike || !fault) return value.apply(target, args);
        hit = true;
        if (fault.mode === 'hang') return new Promise(() => {});
        if (fault.mode === 'throw') throw new Error(`injected fault before ${property}`);
        await value.apply(target, args);
        throw new Error(`injected fault after ${property}`);
      };
    },
  });
  return {
    store,
    calls,
    log,
    record() {
      fault = null;
      calls.length = 0;
      log.length = 0;
    },
    arm(next) {
      fault = next;
      seen = 0;
      hit = false;
      calls.length = 0;
      log.length = 0;
    },
    disarm() {
      fault = null;
    },
    struck: () => hit,
  };
}

/** A temporary folder for SQLite files, removed by `cleanup`. */
export function tempFolder(prefix = 'mfakit-adversarial-') {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  return {
    folder,
    file: (name = 'mfa.db') => join(folder, name),
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** Whether the session counts as verified, as `GET /me` says. */
export async function sessionVerified(h: Harness, as: string, session: string): Promise<boolean> {
  const me = await h.json('GET', '/mfa/me', { as, session });
  if (me.status !== 200) throw new Error(`GET /me: ${me.status} ${JSON.stringify(me.body)}`);
  return me.body.session.verified;
}

/** The caller's access decision for an account (`GET /accounts/:id/access`). */
export async function accessOf(h: Harness, as: string, session: string, accountId = 'acme') {
  const res = await h.json('GET', `/mfa/accounts/${accountId}/access`, { as, session });
  if (res.status !== 200) throw new Error(`GET access: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { allow: boolean; reason: string; deadline?: string };
}

/** A session id unique to one probe. */
let probes = 0;
export const freshSession = (user: string) => `${user}-probe-${++probes}`;

/**
 * Forgets every user's failure count (the back-off is proved elsewhere): tests that
 * probe something else clear it so that every probe is judged. Through
 * `pruneExpired`, the only way a store forgets failures besides a success.
 */
export async function forgetFailures(store: MfaStore): Promise<void> {
  await store.pruneExpired({
    now: new Date(0),
    sessionsBefore: new Date(0),
    attemptsBefore: new Date(8.64e15),
    keepFailures: Number.MAX_SAFE_INTEGER,
    limit: 1_000_000,
  });
}
