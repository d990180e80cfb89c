/**
 * The SQL stores keep the facts version in sixteen counter rows, a write moving its user's
 * row only (so that concurrent enrollments and grace starts of different users do not all
 * queue on one row lock in PostgreSQL). Users spread over the rows, and every write moves
 * the version whichever row it takes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/sqlite.ts';
import { FACTS_SHARDS, factsShard } from '../../src/store/sql/trust-change.ts';

let folder = '';
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('the facts version in counter rows', () => {
  it('spreads users over every row, none with twice its share', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const shard = factsShard(`user-${i}`);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(
      Array.from({ length: FACTS_SHARDS }, (_, i) => `facts:${i}`).sort(),
    );
    for (const n of counts.values()) expect(n).toBeLessThan((2 * 4000) / FACTS_SHARDS);
    expect(factsShard('ada')).toBe(factsShard('ada'));
  });

  it('moves the version for each grace start, whichever row its user takes', async () => {
    folder = mkdtempSync(join(tmpdir(), 'mfakit-shards-'));
    const filename = join(folder, 'mfa.db');
    const store = sqliteStore({ filename });
    const at = new Date('2026-03-02T10:00:00.000Z');
    const users = Array.from({ length: 64 }, (_, i) => `member-${i}`);
    const seen = new Set([await store.factsVersion?.()]);
    for (const user of users) {
      await store.startGrace('acme', user, at);
      seen.add(await store.factsVersion?.());
    }
    expect(seen.size).toBe(users.length + 1);
    // Sixteen rows, each counting the starts of its users.
    const rows = new Database(filename, { readonly: true })
      .prepare("select name, value from mfa_counters where name like 'facts:%'")
      .all() as { name: string; value: number }[];
    expect(rows).toHaveLength(FACTS_SHARDS);
    const total = rows.reduce((n, row) => n + Number(row.value), 0);
    expect(total).toBe(users.length);
    for (const row of rows) {
      expect(row.value).toBe(users.filter((u) => factsShard(u) === row.name).length);
    }
    await store.close?.();
  });
});
