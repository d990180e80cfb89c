/**
 * What a store opened on a database from before migration 0008_facts_version answers: the
 * facts written before it as they were, and a facts version that the writes of the facts
 * move on from then. Shared by the SQLite and PostgreSQL upgrade tests.
 */
import { expect } from 'vitest';
import type { MfaStore } from '../../src/index.ts';

export async function expectUpgradedForFactsVersion(store: MfaStore, at: Date): Promise<void> {
  expect(await store.getEnrollments(['max', 'sam'])).toEqual(
    new Map([['max', { methods: ['totp'], since: at }]]),
  );
  expect(await store.getGraceStarts('acme', ['max', 'sam'])).toEqual(
    new Map([['sam', { startedAt: at, forfeitedAt: null }]]),
  );
  const read = () => (store.factsVersion as () => Promise<string>)();
  const first = await read();
  expect(await read()).toBe(first);
  expect(await store.resetMfa('max')).toBe(true);
  const second = await read();
  expect(second).not.toBe(first);
  await store.startGrace('acme', 'max', at);
  expect(await read()).not.toBe(second);
}
