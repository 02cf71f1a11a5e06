import { ACME_PROJECT } from '../../../test/support/acme-project';
import { Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ManualClock } from '../../../test/support/manual-clock';
import type { AdminSessions } from '../../domain/admin-keys/admin-sessions';
import type { AdminKeyAuthenticator } from '../../domain/access/admin-key.authenticator';
import type { ApiKeyAuthenticator } from '../../domain/access/api-key.authenticator';
import type { KeyCheck } from '../../domain/access/key-check';
import { generateApiKey } from '../../domain/projects/api-key';
import { parseEnv } from '../../platform/config/env.parser';
import type { AuthenticatedRequest, Caller } from '../authenticated-request';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter';
import { MemoryThrottlerStorage } from '../rate-limit/memory-storage';
import type { ProjectRateLimit } from '../rate-limit/project-rate-limit';
import { AuthGuard, INVALID_ADMIN_KEY_MESSAGE, INVALID_KEY_MESSAGE } from './auth.guard';
import { ROUTE_CALLER, type RouteCaller } from './route-access';

const PROXY_SECRET = 'engine-proxy-secret-for-the-guard-spec';
const PROJECT = ACME_PROJECT;

/**
 * The global guard over stubbed key checks and the real failure limiter (in-process storage, 3 attempts per
 * window): who gets through on each kind of route, and what counts against an address.
 */
describe('AuthGuard', () => {
  // The guard logs every refusal (its job); this spec asserts the answers, not the log.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  const valid = generateApiKey('server').key;
  const known = new Set<string>();
  let lookups: string[];
  let storage: MemoryThrottlerStorage;
  let guard: AuthGuard;

  beforeEach(() => {
    lookups = [];
    known.clear();
    const clock = new ManualClock(1_000_000);
    storage = new MemoryThrottlerStorage(clock);
    const config = parseEnv({ AUTH_FAILURES_PER_MINUTE: '3', RATE_LIMIT_WINDOW_SECONDS: '60', ENGINE_PROXY_SECRET: PROXY_SECRET });
    const authenticator = {
      isKnownValid: (key: string) => known.has(key),
      isBeingLookedUp: () => false,
      check: (key: string): Promise<KeyCheck> => {
        lookups.push(key);
        if (key !== valid) return Promise.resolve({ ok: false, reason: 'unknown' });
        known.add(key);
        return Promise.resolve({ ok: true, project: PROJECT });
      },
    } as unknown as ApiKeyAuthenticator;
    const adminKeys = { isKnownValid: () => false, check: () => Promise.resolve(undefined) } as unknown as AdminKeyAuthenticator;
    const sessions = { touch: () => Promise.resolve(undefined) } as unknown as AdminSessions;
    const projectRateLimit = { count: () => Promise.resolve() } as unknown as ProjectRateLimit;
    guard = new AuthGuard(
      new Reflector(),
      authenticator,
      adminKeys,
      new AuthFailureLimiter(storage, clock, config),
      config,
      sessions,
      projectRateLimit,
    );
  });
  afterEach(() => storage.close());

  /** Runs the guard for a route of `routeCaller`, from `ip`, with these headers; the caller, or the error's status and message. */
  async function call(routeCaller: RouteCaller | undefined, headers: Record<string, string>, ip = '203.0.113.9') {
    const handler = () => undefined;
    if (routeCaller) Reflect.defineMetadata(ROUTE_CALLER, routeCaller, handler);
    const request = { headers, ip, method: 'POST', path: '/x' } as unknown as AuthenticatedRequest;
    const context = {
      getHandler: () => handler,
      getClass: () => class {},
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
    } as unknown as ExecutionContext;
    try {
      await guard.canActivate(context);
      return request.caller;
    } catch (error) {
      const { status, message } = error as { status: number; message: string };
      return { status, message };
    }
  }
  const withKey = (key: string) => ({ authorization: `apikey ${key}` });

  it('needs a server key on a route that says nothing (deny by default), and names the project on success', async () => {
    expect(await call(undefined, {})).toMatchObject({ status: 401 });
    expect(await call(undefined, withKey(valid))).toEqual<Caller>({ kind: 'project', project: PROJECT });
  });

  it('lets anyone through a public route without counting anything', async () => {
    for (let i = 0; i < 5; i++) expect(await call('public', {})).toEqual({ kind: 'public' });
    expect(await call(undefined, withKey('xs_sk_wrong'))).toMatchObject({ status: 401, message: INVALID_KEY_MESSAGE });
  });

  it('counts each unknown key before its lookup, and refuses the address past the limit without a lookup', async () => {
    for (let i = 0; i < 3; i++) expect(await call(undefined, withKey(`xs_sk_wrong${i}`))).toMatchObject({ status: 401 });
    expect(await call(undefined, withKey('xs_sk_wrong3'))).toMatchObject({ status: 429 });
    expect(await call(undefined, withKey('xs_sk_wrong4'))).toMatchObject({ status: 429 });
    expect(lookups).toEqual(['xs_sk_wrong0', 'xs_sk_wrong1', 'xs_sk_wrong2']);
    // Another address is not affected.
    expect(await call(undefined, withKey('xs_sk_other'), '198.51.100.1')).toMatchObject({ status: 401 });
  });

  it('still serves, from a blocked address, a key accepted before; a key never seen there gets 429', async () => {
    expect(await call(undefined, withKey(valid))).toMatchObject({ kind: 'project' });
    for (let i = 0; i < 3; i++) await call(undefined, withKey(`xs_sk_wrong${i}`));
    expect(await call(undefined, withKey('xs_sk_wrong3'))).toMatchObject({ status: 429 });
    expect(await call(undefined, withKey(valid))).toMatchObject({ kind: 'project' });
    known.clear();
    expect(await call(undefined, withKey(valid))).toMatchObject({ status: 429 });
  });

  it("answers the engine's right secret from a blocked address, and counts a wrong one", async () => {
    for (let i = 0; i < 3; i++) await call('engine', { 'x-xshathra-proxy-secret': 'wrong' });
    expect(await call(undefined, withKey('xs_sk_wrong'))).toMatchObject({ status: 429 });
    expect(await call('engine', { 'x-xshathra-proxy-secret': PROXY_SECRET })).toEqual({ kind: 'engine' });
  });

  it('refuses a project key on an admin route with the admin message', async () => {
    expect(await call('admin', { authorization: `Bearer ${valid}` })).toEqual({ status: 401, message: INVALID_ADMIN_KEY_MESSAGE });
    expect(lookups).toEqual([]);
  });
});
