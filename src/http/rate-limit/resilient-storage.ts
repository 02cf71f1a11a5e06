import { Logger, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { MemoryThrottlerStorage } from './memory-storage';

type Increment = ThrottlerStorage['increment'];

/**
 * Rate-limit counters: in Redis when REDIS_URL is set (shared by every instance, so a limit holds for the
 * whole deployment), in this process otherwise (each instance counts on its own).
 *
 * A Redis outage must not fail requests: a count that Redis cannot answer at once is kept in this process
 * instead, until Redis answers again.
 */
export class ResilientThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new MemoryThrottlerStorage();
  private readonly redis?: Redis;
  private readonly shared?: ThrottlerStorageRedisService;
  private redisFailing = false;

  constructor(redisUrl: string | undefined) {
    if (!redisUrl) return;
    // No offline queue and one try: a command either reaches Redis now or fails, never waits for a reconnect.
    this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false });
    this.redis.on('error', () => undefined); // reported per failed command below
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  increment: Increment = async (...args) => {
    if (!this.shared) return this.local.increment(...args);
    try {
      const record = await this.shared.increment(...args);
      if (this.redisFailing) this.logger.log('Rate-limit counters are shared through Redis again');
      this.redisFailing = false;
      return record;
    } catch (error) {
      if (!this.redisFailing)
        this.logger.warn(`Redis unavailable (${(error as Error).message}); counting rate limits per instance until it answers`);
      this.redisFailing = true;
      return this.local.increment(...args);
    }
  };

  onModuleDestroy(): void {
    this.redis?.disconnect(false);
    this.local.close();
  }
}
