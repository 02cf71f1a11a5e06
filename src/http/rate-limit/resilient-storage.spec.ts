import { createServer, type Server } from 'node:net';
import { ResilientThrottlerStorage } from './resilient-storage';

/**
 * The storage's promise: a Redis that cannot answer never fails a request. Without Redis at all, and with a
 * Redis address where nothing listens, counts are kept in this process with the same fixed-window semantics.
 * (Counting through a real Redis shared by two instances is the e2e spec's "rate limits shared through Redis".)
 */
describe('ResilientThrottlerStorage', () => {
  const storages: ResilientThrottlerStorage[] = [];
  afterEach(() => storages.splice(0).forEach((storage) => storage.onModuleDestroy()));

  const count = async (storage: ResilientThrottlerStorage, times: number) => {
    let record;
    for (let i = 0; i < times; i++) record = await storage.increment('k', 60_000, 3, 60_000, 'project');
    return record;
  };

  it('counts in this process without REDIS_URL, and blocks past the limit', async () => {
    const storage = new ResilientThrottlerStorage(undefined);
    storages.push(storage);
    expect(await count(storage, 3)).toMatchObject({ totalHits: 3, isBlocked: false });
    expect(await count(storage, 1)).toMatchObject({ totalHits: 4, isBlocked: true });
  });

  it('keeps counting in this process when Redis does not answer, instead of failing the request', async () => {
    // A port where something accepts and never answers stands for a hung Redis; a closed one for a dead one.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      for (const url of [`redis://127.0.0.1:${port}`, 'redis://127.0.0.1:1']) {
        const storage = new ResilientThrottlerStorage(url);
        storages.push(storage);
        expect(await count(storage, 3)).toMatchObject({ totalHits: 3, isBlocked: false });
        expect(await count(storage, 1)).toMatchObject({ isBlocked: true });
      }
    } finally {
      silent.close();
    }
  }, 20_000);
});
