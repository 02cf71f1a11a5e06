import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { createProject, createTestApp, TEST_SECRET } from './support/app';
import { verifyHs256 } from './support/jwt';
import { ProjectsService } from '../src/domain/projects/projects.service';

describe('token endpoints', () => {
  let app: NestExpressApplication;
  let auth: string;
  let projectId: string;
  let keyId: string;

  beforeAll(async () => {
    app = await createTestApp();
    const project = await createProject(app);
    auth = `apikey ${project.serverApiKey}`;
    projectId = project.projectId;
    keyId = (await app.get(ProjectsService).listKeys(projectId)).find(({ kind }) => kind === 'server')!.id;
  });
  afterAll(() => app.close());

  const postToken = (body: unknown) =>
    request(app.getHttpServer())
      .post('/api/realtime/token')
      .set('Authorization', auth)
      .send(body as object);
  const postSubscriptionToken = (body: unknown) =>
    request(app.getHttpServer())
      .post('/api/realtime/subscription-token')
      .set('Authorization', auth)
      .send(body as object);

  describe('POST /api/realtime/token', () => {
    it('answers the spec example with a signed HS256 JWT carrying exactly sub, iat, exp, channels, info and the project and key in meta', async () => {
      const before = Math.floor(Date.now() / 1000);
      const response = await postToken({
        userId: 'user_01HZEXAMPLE',
        ttlSeconds: 900,
        channels: ['public:lobby'],
        info: { displayName: 'Player One' },
      }).expect(200);

      expect(Object.keys(response.body).sort()).toEqual(['expiresInSeconds', 'token']);
      expect(response.body.expiresInSeconds).toBe(900);
      const { header, claims } = verifyHs256(response.body.token, TEST_SECRET);
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(Object.keys(claims).sort()).toEqual(['channels', 'exp', 'iat', 'info', 'meta', 'sub']);
      expect(claims).toMatchObject({
        sub: 'user_01HZEXAMPLE',
        channels: ['public:lobby'],
        info: { displayName: 'Player One' },
        meta: { projectId },
      });
      expect(claims.meta).toEqual({ projectId, keyId });
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.exp).toBe((claims.iat as number) + 900);
    });

    it('defaults ttlSeconds to 900 and leaves out channels and info when not given', async () => {
      const response = await postToken({ userId: 'u1' }).expect(200);
      expect(response.body.expiresInSeconds).toBe(900);
      const { claims } = verifyHs256(response.body.token, TEST_SECRET);
      expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'meta', 'sub']);
      expect(claims.exp).toBe((claims.iat as number) + 900);
    });

    it.each([30, 3600])('accepts ttlSeconds %i (the edges of the range)', async (ttlSeconds) => {
      const response = await postToken({ userId: 'u1', ttlSeconds }).expect(200);
      expect(response.body.expiresInSeconds).toBe(ttlSeconds);
      const { claims } = verifyHs256(response.body.token, TEST_SECRET);
      expect((claims.exp as number) - (claims.iat as number)).toBe(ttlSeconds);
    });

    it.each([29, 3601, 0, -5, 90.5])('rejects ttlSeconds %p with 400 naming the field', async (ttlSeconds) => {
      const response = await postToken({ userId: 'u1', ttlSeconds }).expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Invalid request body: ttlSeconds must be an integer between 30 and 3600.',
        details: ['ttlSeconds must be an integer between 30 and 3600'],
      });
    });

    it.each([
      ['a missing userId', {}, 'userId must be a string'],
      ['an empty userId', { userId: '' }, 'userId must not be empty'],
      ['a blank userId', { userId: '   ' }, 'userId must not be empty'],
      ['a numeric userId', { userId: 42 }, 'userId must be a string'],
      ['a userId over 256 characters', { userId: 'x'.repeat(257) }, 'userId must be at most 256 characters'],
      ['ttlSeconds as a string', { userId: 'u', ttlSeconds: '900' }, 'ttlSeconds must be an integer between 30 and 3600'],
      ['ttlSeconds null', { userId: 'u', ttlSeconds: null }, 'ttlSeconds must be an integer between 30 and 3600'],
      ['channels as a string', { userId: 'u', channels: 'public:lobby' }, 'channels must be an array of channel names'],
      ['a non-string channel', { userId: 'u', channels: ['public:a', 7] }, 'channels must contain only strings'],
      ['an empty channel name', { userId: 'u', channels: [''] }, 'channels must not contain empty names'],
      ['info as an array', { userId: 'u', info: ['a'] }, 'info must be a JSON object of at most 4096 bytes'],
      ['info as a string', { userId: 'u', info: 'hello' }, 'info must be a JSON object of at most 4096 bytes'],
      ['info null', { userId: 'u', info: null }, 'info must be a JSON object of at most 4096 bytes'],
      ['info over 4096 bytes', { userId: 'u', info: { blob: 'x'.repeat(5000) } }, 'info must be a JSON object of at most 4096 bytes'],
      ['an unknown field (the typo "ttl")', { userId: 'u', ttl: 60 }, 'unknown field "ttl"'],
    ])('rejects %s with 400', async (_case, body, detail) => {
      const response = await postToken(body).expect(400);
      expect(response.body.statusCode).toBe(400);
      expect(response.body.details).toEqual([detail]);
      expect(response.body.error).toContain(detail);
    });

    it('names every problem at once', async () => {
      const response = await postToken({ userId: '', ttlSeconds: 5, extra: true }).expect(400);
      expect(response.body.details).toEqual([
        'unknown field "extra"',
        'userId must not be empty',
        'ttlSeconds must be an integer between 30 and 3600',
      ]);
    });

    it('rejects invalid JSON with 400 in the error shape', async () => {
      const response = await request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send('{"userId": "u1",')
        .expect(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'The request body is not valid JSON.' });
    });

    it.each([
      ['an array', '[{"userId":"u1"}]'],
      ['a string', '"u1"'],
      ['null', 'null'],
    ])('rejects a body that is %s with 400', async (_case, raw) => {
      const response = await request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(raw)
        .expect(400);
      expect(response.body.statusCode).toBe(400);
      expect(typeof response.body.error).toBe('string');
    });

    it('rejects a body over the size limit with 413 in the error shape', async () => {
      const response = await postToken({ userId: 'u1', info: { blob: 'x'.repeat(70_000) } }).expect(413);
      expect(response.body).toEqual({ statusCode: 413, error: 'The request body is larger than the 65536 byte limit.' });
    });
  });

  describe('POST /api/realtime/subscription-token', () => {
    it('answers the spec example with token, channel and expiresInSeconds, and claims sub, channel, iat, exp', async () => {
      const response = await postSubscriptionToken({ userId: 'user_01HZEXAMPLE', channel: 'public:room_abc', ttlSeconds: 600 }).expect(200);
      expect(Object.keys(response.body).sort()).toEqual(['channel', 'expiresInSeconds', 'token']);
      expect(response.body).toMatchObject({ channel: 'public:room_abc', expiresInSeconds: 600 });
      const { claims } = verifyHs256(response.body.token, TEST_SECRET);
      expect(Object.keys(claims).sort()).toEqual(['channel', 'exp', 'iat', 'sub']);
      expect(claims).toMatchObject({ sub: 'user_01HZEXAMPLE', channel: 'public:room_abc' });
      expect(claims.exp).toBe((claims.iat as number) + 600);
    });

    it('carries info and defaults ttlSeconds to 900', async () => {
      const response = await postSubscriptionToken({ userId: 'u', channel: 'private:r', info: { role: 'mod' } }).expect(200);
      expect(response.body.expiresInSeconds).toBe(900);
      const { claims } = verifyHs256(response.body.token, TEST_SECRET);
      expect(claims.info).toEqual({ role: 'mod' });
      expect(claims.exp).toBe((claims.iat as number) + 900);
    });

    it.each([
      ['a missing channel', { userId: 'u' }, 'channel must be a string'],
      ['an empty channel', { userId: 'u', channel: '' }, 'channel must not be empty'],
      ['channels instead of channel', { userId: 'u', channel: 'a', channels: ['a'] }, 'unknown field "channels"'],
      ['ttlSeconds 3601', { userId: 'u', channel: 'a', ttlSeconds: 3601 }, 'ttlSeconds must be an integer between 30 and 3600'],
    ])('rejects %s with 400', async (_case, body, detail) => {
      const response = await postSubscriptionToken(body).expect(400);
      expect(response.body.details).toEqual([detail]);
    });
  });

  describe('errors outside the endpoints', () => {
    it('answers an unknown route with 404 in the error shape', async () => {
      const response = await request(app.getHttpServer()).get('/api/realtime/nope').expect(404);
      expect(response.body).toEqual({ statusCode: 404, error: 'No route for GET /api/realtime/nope.' });
    });

    it('answers an unexpected failure with a bare 500 that leaks nothing', async () => {
      const { serverApiKey } = await createProject(app, 'Failing signer');
      const signing = jest.spyOn(JwtService.prototype, 'sign').mockImplementationOnce(() => {
        throw new Error('secret material at /srv/app/internal.js');
      });
      try {
        const response = await request(app.getHttpServer())
          .post('/api/realtime/token')
          .set('Authorization', `apikey ${serverApiKey}`)
          .send({ userId: 'u1' })
          .expect(500);
        expect(response.body).toEqual({ statusCode: 500, error: 'Internal server error.' });
      } finally {
        signing.mockRestore();
      }
    });

    it('answers a form-encoded body with 415 on an endpoint, and with 404 on an unknown route', async () => {
      const form = (path: string) => request(app.getHttpServer()).post(path).set('Authorization', auth).type('form').send('userId=u1');
      const response = await form('/api/realtime/token').expect(415);
      expect(response.body).toEqual({ statusCode: 415, error: 'Send the request body as JSON, with "Content-Type: application/json".' });
      await form('/api/realtime/nope').expect(404);
    });

    it('answers GET on a POST-only endpoint with 404, not a 5xx', async () => {
      await request(app.getHttpServer()).get('/api/realtime/token').set('Authorization', auth).expect(404);
    });
  });

  describe('OpenAPI', () => {
    it('describes both endpoints, their bodies and the server-key bearer scheme at /api/docs-json', async () => {
      const { body } = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
      // HTTP bearer: Swagger UI's Authorize box takes the bare key and sends `Bearer <key>`, which the guard accepts.
      expect(body.components.securitySchemes['server-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(body.components.securitySchemes.apikey).toBeUndefined();
      for (const path of ['/api/realtime/token', '/api/realtime/subscription-token']) {
        const operation = body.paths[path].post;
        expect(operation.security).toEqual([{ 'server-key': [] }]);
        expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '429', '503']);
      }
      expect(body.paths['/api/realtime/project'].get.security).toEqual([{ 'server-key': [] }]);
      expect(body.components.schemas.KeyProjectDto.required).toEqual(
        expect.arrayContaining(['id', 'name', 'slug', 'channels', 'unrestricted', 'note']),
      );
      expect(body.components.schemas.CreateTokenDto.required).toEqual(['userId']);
      expect(body.components.schemas.CreateTokenDto.properties.ttlSeconds).toMatchObject({ minimum: 30, maximum: 3600, default: 900 });
      expect(body.components.schemas.CreateSubscriptionTokenDto.required.sort()).toEqual(['channel', 'userId']);
    });

    it('accepts the bare key the way Swagger UI sends it from the Authorize box (Bearer)', async () => {
      const key = auth.replace(/^apikey /, '');
      await request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', `Bearer ${key}`)
        .send({ userId: 'u1' })
        .expect(200);
    });

    it('serves Swagger UI at /api/docs', async () => {
      const response = await request(app.getHttpServer()).get('/api/docs').expect(200);
      expect(response.text).toContain('swagger-ui');
    });
  });
});

describe('token signing secret', () => {
  it('answers 503 on both endpoints when no secret is configured, and the app still starts', async () => {
    const app = await createTestApp({ env: { CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: undefined } });
    try {
      const auth = `apikey ${(await createProject(app)).serverApiKey}`;
      for (const [path, body] of [
        ['/api/realtime/token', { userId: 'u' }],
        ['/api/realtime/subscription-token', { userId: 'u', channel: 'private:a' }],
      ] as const) {
        const response = await request(app.getHttpServer()).post(path).set('Authorization', auth).send(body).expect(503);
        expect(response.body.statusCode).toBe(503);
        expect(response.body.error).toContain('CENTRIFUGO_TOKEN_HMAC_SECRET_KEY');
      }
    } finally {
      await app.close();
    }
  });

  it('signs with the legacy CENTRIFUGO_TOKEN_HMAC_SECRET when the new name is unset', async () => {
    const legacySecret = 'legacy-secret-for-the-alias-test-0123456789';
    const app = await createTestApp({ env: { CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: undefined, CENTRIFUGO_TOKEN_HMAC_SECRET: legacySecret } });
    try {
      const auth = `apikey ${(await createProject(app)).serverApiKey}`;
      const response = await request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', auth)
        .send({ userId: 'u' })
        .expect(200);
      expect(verifyHs256(response.body.token, legacySecret).claims.sub).toBe('u');
      expect(() => verifyHs256(response.body.token, TEST_SECRET)).toThrow();
    } finally {
      await app.close();
    }
  });
});
