import type { Clock } from './clock';

export interface ExpiringCacheOptions<V> {
  /** How long a loaded value is served without loading again; 0 turns caching off. */
  ttlMs: number;
  /**
   * How long past its TTL a value is still served when loading it again fails (the database is down),
   * instead of failing the caller. 0: never serve a stale value.
   */
  maxStaleMs?: number;
  /** Past this many entries the oldest is dropped, so that a flood of distinct keys cannot grow memory. */
  maxEntries: number;
  clock: Clock;
  /** How get() loads a missing or expired value; without it the cache is filled with set() only. */
  load?: (key: string) => Promise<V>;
  /** Which loaded values to keep (all by default). */
  keepIf?: (value: V) => boolean;
}

/** After a failed reload, a stale value is served this long before the next reload is tried. */
const RELOAD_BACKOFF_MS = 1000;

interface Entry<V> {
  value: V;
  /** Until then the value is fresh. */
  expiresAt: number;
  /** Until then it may be served stale, when a reload fails. */
  staleUntil: number;
}

/**
 * Values loaded on demand and trusted for a fixed time. Concurrent gets of one key share one load, so a
 * burst of requests asks the database once. A failed load is never cached; within maxStaleMs the previous
 * value is served instead (stale-if-error), so that a database blip does not fail callers already known.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly pending = new Map<string, Promise<V>>();

  constructor(private readonly options: ExpiringCacheOptions<V>) {}

  get(key: string): Promise<V> {
    const entry = this.entries.get(key);
    const now = this.options.clock.now();
    if (entry && entry.expiresAt > now) return Promise.resolve(entry.value);

    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.reload(key, entry).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  /** Whether a load of this key is under way (a get() now would wait for it instead of loading again). */
  isLoading(key: string): boolean {
    return this.pending.has(key);
  }

  /** A fresh value without loading, if there is one. */
  peek(key: string): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > this.options.clock.now() ? entry.value : undefined;
  }

  set(key: string, value: V): void {
    if (this.options.ttlMs === 0) return;
    const now = this.options.clock.now();
    this.entries.delete(key);
    // Maps iterate in insertion order: the first entry is the oldest.
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, {
      value,
      expiresAt: now + this.options.ttlMs,
      staleUntil: now + this.options.ttlMs + (this.options.maxStaleMs ?? 0),
    });
  }

  /** Forgets one value. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets everything, e.g. when another instance announced a change. */
  clear(): void {
    this.entries.clear();
  }

  private async reload(key: string, previous: Entry<V> | undefined): Promise<V> {
    let value: V;
    try {
      if (!this.options.load) throw new Error('This cache has no loader; fill it with set()');
      value = await this.options.load(key);
    } catch (error) {
      const now = this.options.clock.now();
      if (!previous || previous.staleUntil <= now || this.entries.get(key) !== previous) throw error;
      // Serve the previous value for a moment without asking again, so that an outage costs one failed
      // load per key per second rather than one per request.
      previous.expiresAt = Math.min(now + RELOAD_BACKOFF_MS, previous.staleUntil);
      return previous.value;
    }
    if (this.options.keepIf?.(value) ?? true) {
      this.set(key, value);
    } else {
      this.entries.delete(key);
    }
    return value;
  }
}
