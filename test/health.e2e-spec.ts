import request from 'supertest';
import { createTestApp } from './support/app';
import { createScratchDatabase } from './support/test-database';

describe('/health/ready when the database goes away', () => {
  it('answers 503 with Terminus JSON while /health/live stays 200', async () => {
    const scratch = await createScratchDatabase(process.env.XSHATHRA_TEST_ADMIN_URL!);
    const app = await createTestApp({ env: { DATABASE_URL: scratch.url } });
    try {
      await request(app.getHttpServer()).get('/health/ready').expect(200);
      await scratch.drop(); // terminates the app's connections; the database is gone

      const response = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(response.body).toEqual({
        status: 'error',
        // The overlap report cannot be made without the database, and says so without failing on its own.
        // Whether the engine has the live-connections namespace is reported, and never fails readiness either.
        info: {
          shutdown: { status: 'up' },
          channelPatterns: { status: 'up', overlaps: 'unknown' },
          liveConnections: expect.objectContaining({ status: 'up' }),
        },
        error: { database: expect.objectContaining({ status: 'down' }) },
        details: {
          database: expect.objectContaining({ status: 'down' }),
          shutdown: { status: 'up' },
          channelPatterns: { status: 'up', overlaps: 'unknown' },
          liveConnections: expect.objectContaining({ status: 'up' }),
        },
      });
      await request(app.getHttpServer()).get('/health/live').expect(200);
    } finally {
      await app.close();
    }
  });
});

describe('health without a configured engine', () => {
  it('answers /realtime/health with 502 and /health with 503 when CENTRIFUGO_UPSTREAM_URL is unset', async () => {
    const app = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: undefined } });
    try {
      const proxied = await request(app.getHttpServer()).get('/realtime/health').expect(502);
      expect(proxied.body).toEqual({ statusCode: 502, error: 'The realtime engine is not configured: set CENTRIFUGO_UPSTREAM_URL.' });
      const health = await request(app.getHttpServer()).get('/health').expect(503);
      expect(health.body.error.engine).toMatchObject({ status: 'down' });
      await request(app.getHttpServer()).get('/health/ready').expect(200);
    } finally {
      await app.close();
    }
  });
});
