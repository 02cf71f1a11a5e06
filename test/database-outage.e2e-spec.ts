import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { generateApiKey } from '../src/domain/projects/api-key';
import { createProject, createTestApp } from './support/app';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres';

const OUTAGE_MS = 4000;
const CONCURRENCY = 16;

/**
 * A database outage under load, on a PostgreSQL cluster this spec starts and stops itself: callers whose
 * key was accepted before keep being served, callers we cannot check get 503 with Retry-After, readiness
 * says 503, and everything recovers without a restart.
 */
describe('a 4 s database outage under load', () => {
  let database: PrivatePostgres;
  let app: NestExpressApplication;

  beforeAll(async () => {
    database = await startPrivatePostgres();
    // A 1 s cache TTL, so that the outage outlasts it several times: the cache alone does not hide it.
    app = await createTestApp({ env: { DATABASE_URL: database.url, API_KEY_CACHE_TTL_SECONDS: '1' } });
    await app.listen(0, '127.0.0.1');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await database?.remove();
  });

  it('serves known keys throughout (0 × 5xx), answers unknown keys 503 + Retry-After, and recovers by itself', async () => {
    const http = () => request(app.getHttpServer());
    const known = await createProject(app, 'Known before the outage');
    await http().post('/api/realtime/token').set('Authorization', `apikey ${known.serverApiKey}`).send({ userId: 'warm' }).expect(200);

    const statuses = new Map<number, number>();
    let loadRunning = true;
    const load = Array.from({ length: CONCURRENCY }, async () => {
      while (loadRunning) {
        const { status } = await http()
          .post('/api/realtime/token')
          .set('Authorization', `apikey ${known.serverApiKey}`)
          .send({ userId: 'u' });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 500));
    await database.stop();
    const outageStarted = Date.now();

    // During the outage: a key the instance has never seen cannot be checked.
    const unknown = await http()
      .post('/api/realtime/token')
      .set('Authorization', `apikey ${generateApiKey('server').key}`)
      .send({ userId: 'u' });
    expect(unknown.status).toBe(503);
    expect(unknown.headers['retry-after']).toBe('2');
    expect(unknown.body).toEqual({ statusCode: 503, error: 'The key store is unavailable; retry shortly.' });
    await http().get('/health/ready').expect(503);

    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - outageStarted)));
    await database.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    loadRunning = false;
    await Promise.all(load);

    const served = statuses.get(200) ?? 0;
    const errors = [...statuses].filter(([status]) => status >= 500);
    process.stderr.write(
      `database outage of ${OUTAGE_MS} ms under ${CONCURRENCY} concurrent requests: ${JSON.stringify(Object.fromEntries(statuses))}\n`,
    );
    expect(errors).toEqual([]);
    expect(served).toBeGreaterThan(100);

    // Recovered without a restart: readiness, and a key created after the outage.
    for (let i = 0; i < 50 && (await http().get('/health/ready')).status !== 200; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await http().get('/health/ready').expect(200);
    const fresh = await createProject(app, 'Created after the outage');
    await http().post('/api/realtime/token').set('Authorization', `apikey ${fresh.serverApiKey}`).send({ userId: 'u' }).expect(200);
  }, 60_000);
});
