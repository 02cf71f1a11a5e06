import { ManualClock } from '../../test/support/manual-clock';
import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  let clock: ManualClock;
  let loads: string[];
  let failing: boolean;
  const make = (options: { ttlMs?: number; maxStaleMs?: number; maxEntries?: number; keepIf?: (v: string) => boolean } = {}) =>
    new ExpiringCache<string>({
      ttlMs: options.ttlMs ?? 5000,
      maxStaleMs: options.maxStaleMs ?? 0,
      maxEntries: options.maxEntries ?? 100,
      clock,
      keepIf: options.keepIf,
      load: async (key) => {
        loads.push(key);
        if (failing) throw new Error('database unreachable');
        return `${key}@${clock.now()}`;
      },
    });

  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    loads = [];
    failing = false;
  });

  it('serves a value for its TTL, then loads it again', async () => {
    const cache = make();
    expect(await cache.get('k')).toBe('k@1000000');
    clock.advance(4999);
    expect(await cache.get('k')).toBe('k@1000000');
    clock.advance(1);
    expect(await cache.get('k')).toBe('k@1005000');
    expect(loads).toEqual(['k', 'k']);
  });

  it('shares one load between concurrent gets', async () => {
    const cache = make();
    await Promise.all([cache.get('k'), cache.get('k'), cache.get('k')]);
    expect(loads).toEqual(['k']);
  });

  it('serves the last value while loads fail, up to maxStale past the TTL, retrying at most once a second', async () => {
    const cache = make({ maxStaleMs: 10_000 });
    await cache.get('k');
    failing = true;
    clock.advance(5000);
    expect(await cache.get('k')).toBe('k@1000000');
    expect(await cache.get('k')).toBe('k@1000000'); // no second attempt within the backoff
    expect(loads).toHaveLength(2);
    clock.advance(1000);
    expect(await cache.get('k')).toBe('k@1000000');
    expect(loads).toHaveLength(3);
    clock.advance(9000); // now at TTL + maxStale
    await expect(cache.get('k')).rejects.toThrow('database unreachable');
  });

  it('fails a key it has never loaded when the load fails, and does not remember the failure', async () => {
    const cache = make({ maxStaleMs: 10_000 });
    failing = true;
    await expect(cache.get('k')).rejects.toThrow('database unreachable');
    failing = false;
    expect(await cache.get('k')).toBe('k@1000000');
  });

  it('never serves stale values when maxStale is 0', async () => {
    const cache = make();
    await cache.get('k');
    failing = true;
    clock.advance(5000);
    await expect(cache.get('k')).rejects.toThrow('database unreachable');
  });

  it('forgets everything on clear, stale values included', async () => {
    const cache = make({ maxStaleMs: 10_000 });
    await cache.get('k');
    cache.clear();
    failing = true;
    await expect(cache.get('k')).rejects.toThrow('database unreachable');
  });

  it('keeps only the values keepIf accepts', async () => {
    const cache = make({ keepIf: (value) => !value.startsWith('no') });
    await cache.get('no');
    await cache.get('no');
    await cache.get('yes');
    await cache.get('yes');
    expect(loads).toEqual(['no', 'no', 'yes']);
  });

  it('drops the oldest entry beyond maxEntries', async () => {
    const cache = make({ maxEntries: 2 });
    cache.set('a', '1');
    cache.set('b', '2');
    cache.set('c', '3');
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c')]).toEqual([undefined, '2', '3']);
  });

  it('caches nothing when the TTL is 0', async () => {
    const cache = make({ ttlMs: 0 });
    await cache.get('k');
    await cache.get('k');
    expect(loads).toEqual(['k', 'k']);
  });
});
