import { ACME_PROJECT } from '../../../../test/support/acme-project';
import type { INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AdminKeyAuthenticator } from '../../../domain/access/admin-key.authenticator';
import { ApiKeyAuthenticator } from '../../../domain/access/api-key.authenticator';
import { AdminSessions } from '../../../domain/admin-keys/admin-sessions';
import { AuthGuard, INVALID_KEY_MESSAGE } from '../../../http/auth/auth.guard';
import type { KeyCheck } from '../../../domain/access/key-check';
import { AllExceptionsFilter } from '../../../http/all-exceptions.filter';
import { StrictValidationPipe } from '../../../http/validation';
import { authConfig } from '../../../platform/config/app.config';
import { parseEnv } from '../../../platform/config/env.parser';
import { ProjectRateLimit } from '../../../http/rate-limit/project-rate-limit';
import { AuthFailureLimiter } from '../../../http/rate-limit/auth-failure-limiter';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

const GOOD_KEY = 'xs_sk_' + 'a'.repeat(43);
const PROJECT = ACME_PROJECT;

/**
 * The controller tier: TokensController with the real pipe, guard and error filter, and a stubbed service
 * and key check: what reaches the service, and what never does.
 */
describe('TokensController (real pipe and guard, stubbed service)', () => {
  let app: INestApplication;
  const service = { createConnectionToken: jest.fn(), createSubscriptionToken: jest.fn() };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [TokensController],
      providers: [
        { provide: TokensService, useValue: service },
        {
          provide: ApiKeyAuthenticator,
          useValue: {
            isKnownValid: () => false,
            isBeingLookedUp: () => false,
            check: (key: string): Promise<KeyCheck> =>
              Promise.resolve(key === GOOD_KEY ? { ok: true, project: PROJECT } : { ok: false, reason: 'unknown' }),
          },
        },
        { provide: AdminKeyAuthenticator, useValue: { isKnownValid: () => false, check: () => Promise.resolve(undefined) } },
        { provide: AuthFailureLimiter, useValue: { assertNotBlocked: () => undefined, countAttempt: () => Promise.resolve() } },
        { provide: authConfig.KEY, useValue: parseEnv({}) },
        { provide: AdminSessions, useValue: { touch: () => Promise.resolve(undefined) } },
        { provide: ProjectRateLimit, useValue: { count: () => Promise.resolve() } },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    app.useGlobalPipes(new StrictValidationPipe());
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
  });
  afterAll(() => app.close());
  beforeEach(() => jest.clearAllMocks());

  const post = (path: string, body: object, key = GOOD_KEY) =>
    request(app.getHttpServer()).post(path).set('Authorization', `apikey ${key}`).send(body);

  it('hands the authenticated project and the validated body to the service, and answers 200 with its result', async () => {
    service.createConnectionToken.mockReturnValue({ token: 't', expiresInSeconds: 900 });
    const response = await post('/api/realtime/token', { userId: 'u1', channels: ['public:acme.lobby'] }).expect(200);
    expect(response.body).toEqual({ token: 't', expiresInSeconds: 900 });
    expect(service.createConnectionToken).toHaveBeenCalledWith(PROJECT, { userId: 'u1', channels: ['public:acme.lobby'] });
  });

  it('refuses an invalid body with 400 before the service is called', async () => {
    const response = await post('/api/realtime/subscription-token', { userId: 'u1', channel: 'c', ttl: 5 }).expect(400);
    expect(response.body.details).toEqual(['unknown field "ttl"']);
    expect(service.createSubscriptionToken).not.toHaveBeenCalled();
  });

  it('refuses a wrong key with 401 before the body is even looked at', async () => {
    const response = await post('/api/realtime/token', { nonsense: true }, 'xs_sk_' + 'b'.repeat(43)).expect(401);
    expect(response.body).toEqual({ statusCode: 401, error: INVALID_KEY_MESSAGE });
    expect(service.createConnectionToken).not.toHaveBeenCalled();
  });
});
