import { MemoryThrottlerStorage } from './memory-storage';

describe('MemoryThrottlerStorage', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-28T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  const hit = (storage: MemoryThrottlerStorage, key = 'project:p1', limit = 3) => storage.increment(key, 10_000, limit, 10_000, 'project');

  it('counts hits in a fixed window and blocks past the limit until the window ends', async () => {
    const storage = new MemoryThrottlerStorage();
    for (let n = 1; n <= 3; n++) {
      expect(await hit(storage)).toEqual({ totalHits: n, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
    }
    expect(await hit(storage)).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 10 });
    jest.advanceTimersByTime(4_000);
    expect(await hit(storage)).toMatchObject({ isBlocked: true, timeToBlockExpire: 6 });
    jest.advanceTimersByTime(6_001);
    expect(await hit(storage)).toEqual({ totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('keeps keys apart, and a key with its own limit gets it', async () => {
    const storage = new MemoryThrottlerStorage();
    for (let n = 0; n < 3; n++) await hit(storage, 'project:a');
    expect(await hit(storage, 'project:a')).toMatchObject({ isBlocked: true });
    expect(await hit(storage, 'project:b')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit(storage, 'project:c', 100)).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
