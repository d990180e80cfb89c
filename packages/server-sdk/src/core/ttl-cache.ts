/**
 * What one instance remembers of the store for at most `ttlMs`: the bound on how
 * long another instance's write can stay unseen here. A TTL of 0 remembers
 * nothing. At `maxEntries` the oldest entry goes first, so memory stays bounded
 * whatever the number of users.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  /** The value stored less than `ttlMs` before `nowMs`, or `undefined`. */
  get(key: K, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires > nowMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V, nowMs: number): void {
    if (this.ttlMs <= 0) return;
    // Delete first, so that the Map's order stays the order of insertion (the eviction order).
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expires: nowMs + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets every entry `matches` picks (a walk over all entries: for rare writes only). */
  deleteWhere(matches: (key: K, value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(key, entry.value)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
