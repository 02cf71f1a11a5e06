import type { Clock } from './clock';

export interface ExpiringCacheOptions<V> {
  /** How long a loaded value is served without loading again; 0 turns caching off. */
  ttlMs: number;
  /** Past this many entries the oldest is dropped, so that a flood of distinct keys cannot grow memory. */
  maxEntries: number;
  clock: Clock;
  load: (key: string) => Promise<V>;
}

/**
 * Values loaded on demand and trusted for a fixed time. Concurrent gets of one key share one load, so a
 * burst of requests asks the database once. A failed load is not cached.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly pending = new Map<string, Promise<V>>();

  constructor(private readonly options: ExpiringCacheOptions<V>) {}

  get(key: string): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > this.options.clock.now()) return Promise.resolve(cached.value);

    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.options
        .load(key)
        .then((value) => {
          this.remember(key, value);
          return value;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private remember(key: string, value: V): void {
    if (this.options.ttlMs === 0) return;
    this.entries.delete(key);
    // Maps iterate in insertion order: the first entry is the oldest.
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: this.options.clock.now() + this.options.ttlMs });
  }
}
