import { createServer, IncomingHttpHeaders, Server } from 'node:http';
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
        info: {},
        error: { database: expect.objectContaining({ status: 'down' }) },
        details: { database: expect.objectContaining({ status: 'down' }) },
      });
      await request(app.getHttpServer()).get('/health/live').expect(200);
    } finally {
      await app.close();
    }
  });
});

describe('what the /realtime proxy sends upstream', () => {
  it('rewrites the path, adds X-Forwarded-For/-Proto, and keeps Origin and the query', async () => {
    // A plain HTTP server standing in for the engine's address, to look at the request it receives.
    let seen: { url?: string; headers?: IncomingHttpHeaders } = {};
    const upstream: Server = createServer((req, res) => {
      seen = { url: req.url, headers: req.headers };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as { port: number };
    const app = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: `http://127.0.0.1:${port}` } });
    try {
      await request(app.getHttpServer())
        .get('/realtime/connection/uni_sse?cf_connect=%7B%7D')
        .set('Origin', 'https://app.example.com')
        .expect(200);
      expect(seen.url).toBe('/connection/uni_sse?cf_connect=%7B%7D');
      expect(seen.headers).toMatchObject({
        origin: 'https://app.example.com',
        'x-forwarded-for': expect.stringMatching(/127\.0\.0\.1/),
        'x-forwarded-proto': 'http',
      });
    } finally {
      await app.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
