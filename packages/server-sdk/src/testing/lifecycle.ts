/** The store conformance suite: migrating and closing. */
import { expect, it } from 'vitest';
import { type ConformanceContext, T0 } from './context.ts';

export function lifecycleConformance(t: ConformanceContext): void {
  const { id } = t;
  it('migrate is idempotent and keeps what is stored', async () => {
    await t.store.putPendingTotp({ userId: id('u'), secret: 's', expiresAt: T0 });
    await t.store.migrate();
    await Promise.all([t.store.migrate(), t.store.migrate()]);
    expect(await t.store.getPendingTotp(id('u'))).toEqual({ userId: id('u'), secret: 's', expiresAt: T0 });
  });

  it('close resolves', async () => {
    t.keepOpen();
    await expect(t.store.close()).resolves.toBeUndefined();
  });
}
