import { createHash } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { AdminKeysService } from '../src/domain/admin-keys/admin-keys.service';
import { CROSS_ORIGIN_MESSAGE, SESSION_COOKIE, SESSION_ENDED_MESSAGE } from '../src/http/auth/console-session';
import { createTestApp } from './support/app';
import { ManualClock } from './support/manual-clock';

const HOST = 'console.test';
const ORIGIN = `http://${HOST}`;
const MINUTE = 60_000;

/** The console's sign-in (POST/GET/DELETE /api/admin/session) and the session cookie on the admin API. */
describe('console sessions (/api/admin/session)', () => {
  let app: NestExpressApplication;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock();
    app = await createTestApp({ clock, env: { ADMIN_SESSION_IDLE_MINUTES: '30', ADMIN_SESSION_MAX_HOURS: '2' } });
  });
  afterAll(() => app.close());

  const newAdminKey = (name = 'Console') => app.get(AdminKeysService).create(CLI_ACTOR, name);
  const http = () => request(app.getHttpServer());
  /** Signs in; returns the Set-Cookie line and the `name=value` pair to send back. */
  async function signIn(key: string) {
    const response = await http().post('/api/admin/session').set('Host', HOST).set('Origin', ORIGIN).send({ adminKey: key }).expect(200);
    const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((line) => line.startsWith(`${SESSION_COOKIE}=`))!;
    return { setCookie, cookie: setCookie.split(';')[0], body: response.body };
  }
  /** A request from the console itself: its origin, its header, the cookie. */
  const fromConsole = (method: 'get' | 'post' | 'patch' | 'delete', path: string, cookie: string) =>
    http()[method](path).set('Host', HOST).set('Origin', ORIGIN).set('X-Xshathra-Console', '1').set('Cookie', cookie);

  it('sets an HttpOnly, SameSite=Strict cookie on path / holding a random id whose hash alone is stored', async () => {
    const { adminKey, key } = await newAdminKey();
    const { setCookie, cookie, body } = await signIn(key);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/; Secure/);
    expect(body).toMatchObject({ adminKeyId: adminKey.id, idleMinutes: 30 });

    const sessionId = cookie.split('=')[1];
    expect(sessionId).not.toContain(key.slice(6, 20));
    const rows = await app.get(DataSource).query(`SELECT * FROM admin_sessions WHERE admin_key_id = $1`, [adminKey.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(sessionId).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(sessionId);

    const who = await fromConsole('get', '/api/admin/session', cookie).expect(200);
    expect(who.body).toMatchObject({ adminKeyId: adminKey.id, adminKeyName: 'Console' });
    await fromConsole('get', '/api/admin/projects', cookie).expect(200);
  });

  it('marks the cookie Secure in production', async () => {
    const production = await createTestApp({ env: { NODE_ENV: 'production', DATABASE_URL: process.env.DATABASE_URL } });
    try {
      const { key } = await production.get(AdminKeysService).create(CLI_ACTOR, 'Production');
      const response = await request(production.getHttpServer())
        .post('/api/admin/session')
        .set('Authorization', `Bearer ${key}`)
        .expect(200);
      expect(String(response.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await production.close();
    }
  });

  it('accepts changes with the cookie from its own origin only, and audits them under the admin key', async () => {
    const { adminKey, key } = await newAdminKey();
    const { cookie } = await signIn(key);
    const created = await fromConsole('post', '/api/admin/projects', cookie).send({ name: 'Session project' }).expect(201);
    const projectId = created.body.project.id;
    const [entry] = (await fromConsole('get', `/api/admin/audit?projectId=${projectId}`, cookie).expect(200)).body.entries;
    expect(entry).toMatchObject({ action: 'project.create', actor: 'admin-key', adminKeyId: adminKey.id });

    const refusals = [
      http().patch(`/api/admin/projects/${projectId}`).set('Host', HOST).set('Cookie', cookie).set('X-Xshathra-Console', '1'),
      http()
        .patch(`/api/admin/projects/${projectId}`)
        .set('Host', HOST)
        .set('Cookie', cookie)
        .set('Origin', 'http://evil.example')
        .set('X-Xshathra-Console', '1'),
      http()
        .patch(`/api/admin/projects/${projectId}`)
        .set('Host', HOST)
        .set('Cookie', cookie)
        .set('Origin', `https://${HOST}`)
        .set('X-Xshathra-Console', '1'),
      http().patch(`/api/admin/projects/${projectId}`).set('Host', HOST).set('Cookie', cookie).set('Origin', ORIGIN),
    ];
    for (const refused of refusals) {
      const response = await refused.send({ name: 'Hijacked' }).expect(403);
      expect(response.body).toEqual({ statusCode: 403, error: CROSS_ORIGIN_MESSAGE });
    }
    expect((await fromConsole('get', `/api/admin/projects/${projectId}`, cookie).expect(200)).body.name).toBe('Session project');
    // Signing in from another site is refused too (no login CSRF).
    await http().post('/api/admin/session').set('Host', HOST).set('Origin', 'http://evil.example').send({ adminKey: key }).expect(403);
  });

  it('takes the origin from X-Forwarded-Proto and -Host only through TRUST_PROXY', async () => {
    const proxied = await createTestApp({ env: { TRUST_PROXY: 'loopback' } });
    try {
      const { key } = await proxied.get(AdminKeysService).create(CLI_ACTOR, 'Proxied');
      const signedIn = await request(proxied.getHttpServer()).post('/api/admin/session').send({ adminKey: key }).expect(200);
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0];
      const patch = (origin: string) =>
        request(proxied.getHttpServer())
          .post('/api/admin/projects')
          .set('X-Forwarded-Proto', 'https')
          .set('X-Forwarded-Host', 'admin.example')
          .set('Origin', origin)
          .set('X-Xshathra-Console', '1')
          .set('Cookie', cookie)
          .send({ name: 'Behind a proxy' });
      await patch('http://admin.example').expect(403);
      await patch('https://admin.example').expect(201);
    } finally {
      await proxied.close();
    }
  });

  it('ends after ADMIN_SESSION_IDLE_MINUTES without a request, and each request moves that end', async () => {
    const { key } = await newAdminKey();
    const { cookie } = await signIn(key);
    clock.advance(29 * MINUTE);
    await fromConsole('get', '/api/admin/session', cookie).expect(200);
    clock.advance(29 * MINUTE);
    await fromConsole('get', '/api/admin/session', cookie).expect(200);
    clock.advance(30 * MINUTE + 1);
    const ended = await fromConsole('get', '/api/admin/projects', cookie).expect(401);
    expect(ended.body.error).toBe(SESSION_ENDED_MESSAGE);
  });

  it('ends ADMIN_SESSION_MAX_HOURS after sign-in, however active', async () => {
    const { key } = await newAdminKey();
    const { cookie, body } = await signIn(key);
    expect(new Date(body.expiresAt).getTime()).toBe(clock.now() + 2 * 60 * MINUTE);
    for (let elapsed = 0; elapsed < 2 * 60 - 20; elapsed += 20) {
      clock.advance(20 * MINUTE);
      await fromConsole('get', '/api/admin/session', cookie).expect(200);
    }
    clock.advance(20 * MINUTE);
    await fromConsole('get', '/api/admin/session', cookie).expect(401);
  });

  it('ends on sign-out, on the server: the old cookie no longer works', async () => {
    const { key } = await newAdminKey();
    const { cookie } = await signIn(key);
    // Sign-out is a change: from another origin it is refused like any other.
    await http()
      .delete('/api/admin/session')
      .set('Host', HOST)
      .set('Origin', 'http://evil.example')
      .set('X-Xshathra-Console', '1')
      .set('Cookie', cookie)
      .expect(403);
    const out = await fromConsole('delete', '/api/admin/session', cookie).expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`));
    await fromConsole('get', '/api/admin/session', cookie).expect(401);
    const hash = createHash('sha256').update(cookie.split('=')[1]).digest('hex');
    expect(await app.get(DataSource).query(`SELECT 1 FROM admin_sessions WHERE token_hash = $1`, [hash])).toEqual([]);
  });

  it('ends at once when its admin key is revoked', async () => {
    const { adminKey, key } = await newAdminKey();
    const { cookie } = await signIn(key);
    await fromConsole('get', '/api/admin/projects', cookie).expect(200);
    await app.get(AdminKeysService).revoke(CLI_ACTOR, adminKey.id);
    await fromConsole('get', '/api/admin/projects', cookie).expect(401);
  });

  it('accepts the key as Bearer too, and refuses a wrong one without saying why', async () => {
    const { key } = await newAdminKey();
    await http().post('/api/admin/session').set('Authorization', `Bearer ${key}`).expect(200);
    for (const wrong of [{ adminKey: 'xs_ak_wrong' }, { adminKey: `xs_ak_${'A'.repeat(43)}` }, {}]) {
      const response = await http().post('/api/admin/session').send(wrong).expect(401);
      expect(response.body.error).toMatch(/^Invalid admin key/);
    }
    await http()
      .get('/api/admin/projects')
      .set('Cookie', `${SESSION_COOKIE}=${'A'.repeat(43)}`)
      .expect(401);
  });
});

describe('console sign-in failures', () => {
  it('count towards the per-address limit, like any wrong key', async () => {
    const app = await createTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3' } });
    try {
      for (let attempt = 0; attempt < 3; attempt++)
        await request(app.getHttpServer()).post('/api/admin/session').send({ adminKey: 'xs_ak_nope' }).expect(401);
      const blocked = await request(app.getHttpServer()).post('/api/admin/session').send({ adminKey: 'xs_ak_nope' }).expect(429);
      expect(blocked.headers['retry-after']).toBeDefined();
    } finally {
      await app.close();
    }
  });
});

describe('the console at /console', () => {
  let app: NestExpressApplication;
  beforeAll(async () => (app = await createTestApp()));
  afterAll(() => app.close());

  it('sends a browser from / to /console/, and keeps the JSON 404 for API clients', async () => {
    await request(app.getHttpServer())
      .get('/')
      .set('Accept', 'text/html,application/xhtml+xml')
      .expect(302)
      .expect('Location', '/console/');
    const api = await request(app.getHttpServer()).get('/').set('Accept', 'application/json').expect(404);
    expect(api.body).toEqual({ statusCode: 404, error: 'No route for GET /.' });
    await request(app.getHttpServer()).get('/').expect(404);
  });

  it('serves the built app for every route under /console, under the strict CSP, with no inline script or style', async () => {
    const page = await request(app.getHttpServer()).get('/console/').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['content-security-policy']).toContain("style-src 'self';");
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|style="|\son\w+="/);
    const deep = await request(app.getHttpServer()).get('/console/projects/123').expect(200);
    expect(deep.text).toBe(page.text);
    for (const asset of page.text.match(/\/console\/assets\/[\w.-]+\.(js|css)/g)!) {
      const served = await request(app.getHttpServer()).get(asset).expect(200);
      expect(served.headers['cache-control']).toContain('immutable');
      expect(served.text).not.toMatch(/https?:\/\/(?!localhost|127\.0\.0\.1|www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\//i);
    }
    await request(app.getHttpServer()).get('/console/assets/missing.js').expect(404);
    await request(app.getHttpServer()).get('/console').expect(301).expect('Location', '/console/');
  });
});
