import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createProject, createTestApp } from './support/app';

/** Input that the engine could read differently from the app, or that costs too much: refused before anything is signed or forwarded. */

describe('input the engine could read differently, or that costs too much', () => {
  let app: NestExpressApplication;
  let key: string;

  beforeAll(async () => {
    app = await createTestApp();
    key = (await createProject(app)).serverApiKey;
  });
  afterAll(() => app.close());

  it('refuses info nested 1,500 levels deep (3 KB) with 400', async () => {
    const info = `${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}`;
    const response = await request(app.getHttpServer())
      .post('/api/realtime/token')
      .set('Authorization', `apikey ${key}`)
      .set('Content-Type', 'application/json')
      .send(`{"userId":"u","info":${info}}`)
      .expect(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Invalid request body: info must not be nested more than 16 levels deep.',
      details: ['info must not be nested more than 16 levels deep'],
    });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a %s key with 400 on both token routes, at the top level and inside info (it used to vanish silently)',
    async (name) => {
      for (const [path, body, field] of [
        ['/api/realtime/token', `{"userId":"u","${name}":{"x":1}}`, name],
        ['/api/realtime/token', `{"userId":"u","info":{"a":{"${name}":"x"}}}`, `info.a.${name}`],
        ['/api/realtime/subscription-token', `{"userId":"u","channel":"public:x","${name}":1}`, name],
      ]) {
        const response = await request(app.getHttpServer())
          .post(path)
          .set('Authorization', `apikey ${key}`)
          .set('Content-Type', 'application/json')
          .send(body)
          .expect(400);
        const problem = `"${field}" uses a reserved key name (__proto__, constructor, prototype)`;
        expect(response.body).toEqual({ statusCode: 400, error: `Invalid request body: ${problem}.`, details: [problem] });
      }
    },
  );

  it.each(['"\\ud800"', '"\\udfff"', '"a\\ud800b"'])(
    'refuses the userId %s (lone surrogates would all become U+FFFD in the engine)',
    async (userId) => {
      const response = await request(app.getHttpServer())
        .post('/api/realtime/token')
        .set('Authorization', `apikey ${key}`)
        .set('Content-Type', 'application/json')
        .send(`{"userId":${userId}}`)
        .expect(400);
      expect(response.body.details).toEqual(['userId must be well-formed Unicode']);
    },
  );
});
