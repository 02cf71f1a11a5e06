import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createProject, createTestApp } from './support/app';

/** GET /api/realtime/project: what a server key belongs to, and a channel its clients can subscribe to. */
describe('GET /api/realtime/project', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  const ask = (key: string) => request(app.getHttpServer()).get('/api/realtime/project').set('Authorization', `apikey ${key}`);

  it("answers a new project's own public channel", async () => {
    const { projectId, slug, serverApiKey } = await createProject(app, 'Route default', null);
    const { body } = await ask(serverApiKey).expect(200);
    expect(body).toEqual({
      id: projectId,
      name: expect.stringMatching(/^Route default/),
      slug,
      channels: [`*:${slug}.*`],
      unrestricted: false,
      suggestedChannel: `public:${slug}.lobby`,
      note: `Clients subscribe to public:${slug}.lobby with a connection token alone; private:… channels of the project need a subscription token.`,
    });
  });

  it('answers public:lobby for an unrestricted project', async () => {
    const { serverApiKey } = await createProject(app, 'Route open');
    expect((await ask(serverApiKey).expect(200)).body).toMatchObject({ unrestricted: true, suggestedChannel: 'public:lobby' });
  });

  it('says so when no pattern allows a channel a connection token alone may subscribe to', async () => {
    const { serverApiKey } = await createProject(app, 'Route private', ['private:route-private.*']);
    const { body } = await ask(serverApiKey).expect(200);
    expect(body).toMatchObject({ channels: ['private:route-private.*'], suggestedChannel: null });
    expect(body.note).toMatch(/^No channel pattern of this project allows a public:… channel/);
  });

  it('refuses a missing key, and a client key', async () => {
    await request(app.getHttpServer()).get('/api/realtime/project').expect(401);
    const { clientApiKey } = await createProject(app, 'Route client key');
    await ask(clientApiKey).expect(401);
  });
});
