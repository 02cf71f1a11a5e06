import { ManualClock } from '../../../test/support/manual-clock';
import { RetryAfterException } from '../../platform/retry-after.exception';
import { parseEnv } from '../../platform/config/env.parser';
import type { Metrics } from '../../platform/metrics/metrics';
import { generateApiKey } from '../projects/api-key';
import type { ApiKey } from '../projects/api-key.entity';
import type { ProjectChanges } from '../projects/project-changes';
import type { ProjectsRepository } from '../projects/projects.repository';
import { AccessCaches } from './access-caches';
import { ApiKeyAuthenticator } from './api-key.authenticator';

/** The service tier: the key rules over a stubbed repository, with a clock the spec moves. */
describe('ApiKeyAuthenticator', () => {
  const key = generateApiKey('server');
  const stored = {
    id: 'k-1',
    kind: 'server',
    revokedAt: null,
    project: { id: 'p-1', slug: 'acme', channelPatterns: ['*:acme.*'], rateLimitPerMinute: null, disabledAt: null },
  } as unknown as ApiKey;
  let clock: ManualClock;
  let lookups: jest.Mock;
  let announced: () => void;
  let authenticator: ApiKeyAuthenticator;

  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    lookups = jest.fn().mockResolvedValue(stored);
    const repository = { getKeyByHash: lookups, touchKeys: jest.fn() } as unknown as ProjectsRepository;
    // Every cache of an AccessCaches hears the same announcement, as on the real change feed.
    const listeners: Array<() => void> = [];
    announced = () => listeners.forEach((listener) => listener());
    const changes = { onChange: (listener: () => void) => listeners.push(listener) } as unknown as ProjectChanges;
    const metrics = { keyCacheLookup: () => undefined } as unknown as Metrics;
    const config = parseEnv({ API_KEY_CACHE_TTL_SECONDS: '5', API_KEY_MAX_STALE_SECONDS: '60' });
    authenticator = new ApiKeyAuthenticator(repository, clock, new AccessCaches(clock, changes, config), metrics);
  });
  afterEach(() => authenticator.beforeApplicationShutdown());

  it('accepts a server key and remembers it for the TTL', async () => {
    expect(await authenticator.check(key.key)).toMatchObject({
      ok: true,
      project: { projectId: 'p-1', projectSlug: 'acme', keyId: 'k-1' },
    });
    clock.advance(4999);
    await authenticator.check(key.key);
    expect(lookups).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await authenticator.check(key.key);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('forgets everything when a change is announced', async () => {
    await authenticator.check(key.key);
    announced();
    await authenticator.check(key.key);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('keeps accepting a known key while the database is down, up to the maximum staleness', async () => {
    await authenticator.check(key.key);
    lookups.mockRejectedValue(new Error('connect ECONNREFUSED'));
    clock.advance(30_000);
    expect((await authenticator.check(key.key)).ok).toBe(true);
    clock.advance(36_000); // past TTL + 60 s
    await expect(authenticator.check(key.key)).rejects.toBeInstanceOf(RetryAfterException);
  });

  it('answers 503 with Retry-After for a key it has not seen while the database is down', async () => {
    lookups.mockRejectedValue(new Error('connect ECONNREFUSED'));
    const failure = await authenticator.check(key.key).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryAfterException);
    expect((failure as RetryAfterException).getStatus()).toBe(503);
    expect((failure as RetryAfterException).retryAfterSeconds).toBe(2);
  });

  it('knows an accepted key to be valid for an hour, through announced changes, but not once it is refused', async () => {
    expect(authenticator.isKnownValid(key.key)).toBe(false);
    await authenticator.check(key.key);
    announced();
    clock.advance(3_599_000);
    expect(authenticator.isKnownValid(key.key)).toBe(true);
    lookups.mockResolvedValue({ ...stored, revokedAt: new Date() });
    expect(await authenticator.check(key.key)).toEqual({ ok: false, reason: 'revoked' });
    expect(authenticator.isKnownValid(key.key)).toBe(false);
  });

  it('refuses what cannot be a server key without a lookup', async () => {
    for (const candidate of ['xs_sk_short', generateApiKey('client').key, generateApiKey('admin').key]) {
      expect(await authenticator.check(candidate)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(lookups).not.toHaveBeenCalled();
  });
});
