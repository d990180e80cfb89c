/**
 * A store that fails leaves a trace. When the database goes away, the only thing
 * a client sees is 503 `unavailable`; an operator must see why, once per failure,
 * with the operation that failed and its cause: to the host's `onError`, else to
 * the console. What is reported never carries what the request carried (a code,
 * a recovery code) nor a secret.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type MfaErrorContext, memoryStore } from '../../src/index.ts';
import { createHarness, expectError, faultyStore } from '../support.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a failing store call', () => {
  it('is handed to onError once, with its cause and the operation, and answered 503', async () => {
    const faulty = faultyStore(memoryStore());
    const reports: { error: unknown; context: MfaErrorContext }[] = [];
    const h = createHarness({
      store: faulty.store,
      onError: (error, context) => {
        reports.push({ error, context });
      },
    });
    const { secret } = await h.enroll('max');
    faulty.arm({ mode: 'throw', method: 'settleAttempt' });
    const code = await h.code(secret);
    const res = await h.json('POST', '/mfa/challenge', { as: 'max', session: 'max-s2', body: { code } });
    expectError(res, 'unavailable');
    expect(reports).toHaveLength(1);
    expect(reports[0]?.context).toEqual({ operation: 'store.settleAttempt' });
    expect(reports[0]?.error).toBeInstanceOf(Error);
    expect((reports[0]?.error as Error | undefined)?.message).toBe('injected fault before settleAttempt');
    // Nothing of the request or the factor in what was reported.
    const text = reports
      .map(({ error, context }) => `${String(error)} ${(error as Error).stack} ${JSON.stringify(context)}`)
      .join('\n');
    expect(text).not.toContain(code);
    expect(text).not.toContain(secret);
  });

  it('names a hook that fails, and a call that hangs past timeoutMs', async () => {
    const faulty = faultyStore(memoryStore());
    const reports: string[] = [];
    const h = createHarness({
      store: faulty.store,
      timeoutMs: 80,
      onError: (_error, { operation }) => {
        reports.push(operation);
      },
      getSso: () => {
        throw new Error('directory down');
      },
    });
    expectError(await h.json('GET', '/accounts/acme/area', { as: 'max' }), 'unavailable');
    expect(reports).toEqual(['getSso']);
    reports.length = 0;
    const ok = createHarness({
      store: faulty.store,
      timeoutMs: 80,
      onError: (_error, { operation }) => {
        reports.push(operation);
      },
    });
    await ok.mfa.ready();
    faulty.arm({ mode: 'hang', method: 'getPolicy' });
    expectError(await ok.json('GET', '/mfa/accounts/acme/policy', { as: 'max' }), 'unavailable');
    expect(reports).toEqual(['store.getPolicy']);
  });

  it('without onError, is logged once with the operation and its cause, never the code', async () => {
    const faulty = faultyStore(memoryStore());
    const h = createHarness({ store: faulty.store });
    const { recoveryCodes } = await h.enroll('max');
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    faulty.arm({ mode: 'throw', method: 'settleAttempt' });
    const recoveryCode = recoveryCodes[0] as string;
    const res = await h.json('POST', '/mfa/challenge', { as: 'max', body: { recoveryCode } });
    expectError(res, 'unavailable');
    expect(log).toHaveBeenCalledTimes(1);
    const [message, cause] = log.mock.calls[0] ?? [];
    expect(String(message)).toContain('store.settleAttempt');
    expect((cause as Error).message).toBe('injected fault before settleAttempt');
    expect(JSON.stringify(log.mock.calls.map((call) => call.map(String)))).not.toContain(recoveryCode);
  });

  it("keeps the store's error as the cause: mfa.ready() rejects with it", async () => {
    const faulty = faultyStore(memoryStore());
    const h = createHarness({ store: faulty.store, onError: () => {} });
    faulty.arm({ mode: 'throw', method: 'getMeta' });
    await expect(h.mfa.ready()).rejects.toThrow('injected fault before getMeta');
  });

  it('a throwing onError is logged, and the request still answers 503', async () => {
    const faulty = faultyStore(memoryStore());
    const h = createHarness({
      store: faulty.store,
      onError: () => {
        throw new Error('reporter down');
      },
    });
    await h.mfa.ready();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    faulty.arm({ mode: 'throw', method: 'getPolicy' });
    expectError(await h.json('GET', '/mfa/accounts/acme/policy', { as: 'max' }), 'unavailable');
    expect(log).toHaveBeenCalledTimes(1);
  });
});
