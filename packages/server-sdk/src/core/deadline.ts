import { MfaConfigError, MfaError } from '../errors.ts';
import type { MfaErrorContext } from '../options.ts';
import type { MfaStore } from '../store/store.ts';

export const isThenable = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** Turns a failure underneath into `unavailable`, reported once. */
export type Fail = (cause: unknown, operation: string) => MfaError;

/**
 * Runs a store call or host hook under the deadline: a throw, a rejection or a
 * hang past `timeoutMs` becomes `unavailable`, reported once with `operation`.
 * A hook that answers synchronously gets its value back as is, without a promise
 * (the guard's hot path); `await` it where a promise is wanted.
 */
export type Run = <T>(work: () => T | Promise<T>, operation: string) => T | Promise<T>;

/**
 * Turns the failure of a store call or hook into `unavailable`, keeping it as the
 * `cause` and reporting it once: to the host's `onError`, else to the console. An
 * `MfaError` passes through unreported (it was reported where it was made, or is
 * no failure at all). Only the operation's name and the error are reported, never
 * the call's arguments, so no secret or code reaches a log.
 */
export function failureReporter(onError?: (error: unknown, context: MfaErrorContext) => void): Fail {
  return (cause, operation) => {
    if (cause instanceof MfaError) return cause;
    const error = MfaError.of('unavailable', {}, undefined, cause);
    // A wrong key is reported once, by `ready()`, not again on each request it fails.
    if (cause instanceof MfaConfigError) return error;
    try {
      if (onError) onError(cause, { operation });
      else console.error(`mfakit: ${operation} failed, answering 503 unavailable:`, cause);
    } catch (hookError) {
      console.error(`mfakit: ${operation} failed, and onError threw:`, cause, hookError);
    }
    return error;
  };
}

/**
 * The deadline of store calls and hooks. One timer serves every call in flight
 * (they end in the order they started, as all get the same `timeoutMs`), and a
 * hook that answers synchronously needs none. The timer is unref'd where the
 * runtime can (Node, Bun): it never keeps a process alive by itself.
 */
export function deadline(timeoutMs: number, fail: Fail): Run {
  const pending = new Set<{ deadline: number; operation: string; reject: (error: unknown) => void }>();
  /** Promises `run` made: already under the deadline, and reported when they fail. */
  const limited = new WeakSet<PromiseLike<unknown>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number) => {
    timer = setTimeout(expire, ms);
    (timer as { unref?: () => void }).unref?.();
  };
  const expire = () => {
    timer = undefined;
    const now = performance.now();
    for (const entry of pending) {
      if (entry.deadline > now) {
        arm(entry.deadline - now);
        return;
      }
      pending.delete(entry);
      entry.reject(fail(new Error(`timed out after ${timeoutMs} ms`), entry.operation));
    }
  };
  return (work, operation) => {
    let value: ReturnType<typeof work>;
    try {
      value = work();
    } catch (error) {
      throw fail(error, operation);
    }
    if (!isThenable(value) || limited.has(value)) return value;
    const promise = new Promise<unknown>((resolve, reject) => {
      const entry = { deadline: performance.now() + timeoutMs, operation, reject };
      pending.add(entry);
      if (timer === undefined) arm(timeoutMs);
      value.then(
        (result) => {
          pending.delete(entry);
          resolve(result);
        },
        (error: unknown) => {
          pending.delete(entry);
          reject(fail(error, operation));
        },
      );
    });
    limited.add(promise);
    return promise as ReturnType<typeof work>;
  };
}

/**
 * The store with each method run under the deadline: a failure or a hang of any
 * store call becomes `unavailable`, reported once with the method's name
 * (`store.getTotpFactor`). Capabilities call this one, never the host's store itself.
 */
export function storeUnderDeadline(store: MfaStore, run: Run): MfaStore {
  const wrapped: Record<string, unknown> = {};
  const names = new Set<string>();
  for (let o: object | null = store; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  for (const name of names) {
    const member = (store as unknown as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof member !== 'function') continue;
    const operation = `store.${name}`;
    wrapped[name] = (...args: unknown[]) => run(() => member.apply(store, args), operation);
  }
  return wrapped as unknown as MfaStore;
}
