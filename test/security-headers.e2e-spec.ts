import request from 'supertest';
import { createTestApp } from './support/app';

/** Security headers (helmet, strict CSP) and the OpenAPI documents. */

describe('security headers and the OpenAPI docs', () => {
  it("sends helmet's headers with a strict CSP", async () => {
    const app = await createTestApp();
    try {
      const response = await request(app.getHttpServer()).get('/health/live').expect(200);
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'self';form-action 'self'",
      );
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      await request(app.getHttpServer()).get('/api/docs').expect(200);
    } finally {
      await app.close();
    }
  });

  it('serves no OpenAPI docs in production unless API_DOCS enables them', async () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: process.env.DATABASE_URL };
    const off = await createTestApp({ env: production });
    const on = await createTestApp({ env: { ...production, API_DOCS: 'true' } });
    try {
      await request(off.getHttpServer()).get('/api/docs').expect(404);
      await request(off.getHttpServer()).get('/api/docs-json').expect(404);
      await request(on.getHttpServer()).get('/api/docs-json').expect(200);
    } finally {
      await off.close();
      await on.close();
    }
  });
});
