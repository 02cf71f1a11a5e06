import type { Clock } from '../../platform/clock';
import { MemoryThrottlerStorage } from './memory-storage';

describe('MemoryThrottlerStorage', () => {
  let now: number;
  const clock: Clock = { now: () => now };
  let storage: MemoryThrottlerStorage;
  beforeEach(() => {
    now = Date.parse('2026-11-28T00:00:00Z');
    storage = new MemoryThrottlerStorage(clock);
  });
  afterEach(() => storage.close());

  const hit = (key = 'p1', limit = 3) => storage.increment(key, 10_000, limit, 10_000, 'project');

  it('counts hits in a fixed window and blocks past the limit until the block ends', async () => {
    for (let n = 1; n <= 3; n++) {
      expect(await hit()).toEqual({ totalHits: n, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
    }
    expect(await hit()).toEqual({ totalHits: 4, timeToExpire: 10, isBlocked: true, timeToBlockExpire: 10 });
    now += 4_000;
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 6 });
    now += 6_000;
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('keeps keys apart', async () => {
    for (let n = 0; n < 3; n++) await hit('a');
    expect(await hit('a')).toMatchObject({ isBlocked: true });
    expect(await hit('b')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('applies a lowered limit to the hits already counted in the window', async () => {
    for (let n = 0; n < 5; n++) await hit('p1', 100);
    expect(await hit('p1', 2)).toMatchObject({ totalHits: 6, isBlocked: true });
  });
});
