import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { EngineClient } from '../src/platform/engine/engine.client';
import { createProject } from './support/app';
import { describeWithEngine, ENGINE_API_KEY, startEngineAndApp, TestEngine } from './support/engine';
import { ClientPool, nextEvent, wsUrl } from './support/realtime-client';

/** Broadcast, presence, history and the channel list, scoped to the calling project, against a real engine. */
describeWithEngine("the engine's channel API, per project", () => {
  let engine: TestEngine;
  let app: NestExpressApplication;
  let url: string;
  const clients = new ClientPool();
  let a: { slug: string; auth: string };
  let b: { slug: string; auth: string };
  let root: string;

  beforeAll(async () => {
    ({ engine, app, auth: root } = await startEngineAndApp('Channel API host'));
    url = wsUrl(app.getHttpServer());
    for (const [name, set] of [
      ['Alpha', (p: typeof a) => (a = p)],
      ['Beta', (p: typeof b) => (b = p)],
    ] as const) {
      const { slug, serverApiKey } = await createProject(app, name, null);
      set({ slug, auth: `apikey ${serverApiKey}` });
    }
  });
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  const call = (path: string, auth: string, body: object | string) =>
    request(app.getHttpServer())
      .post(`/api/realtime/${path}`)
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(body);
  const unique = () => randomUUID().slice(0, 8);
  const engineHistory = async (channel: string) => {
    const response = await fetch(`${engine.url}/api/history`, {
      method: 'POST',
      headers: { 'X-API-Key': ENGINE_API_KEY },
      body: JSON.stringify({ channel, limit: 10 }),
    });
    return ((await response.json()) as { result: { publications?: unknown[] } }).result.publications ?? [];
  };
  /** A client of `project` subscribed client-side (through the subscribe proxy) to `channel`. */
  const subscriber = async (project: { auth: string }, userId: string, channel: string) => {
    const token = (await call('token', project.auth, { userId }).expect(200)).body.token as string;
    const client = clients.create(url, { token });
    const subscription = client.newSubscription(channel);
    const subscribed = nextEvent(subscription, 'subscribed');
    subscription.subscribe();
    client.connect();
    await subscribed;
    return subscription;
  };

  /** A connection of `project`'s, subscribed server-side (by its token) to `channels`. */
  const serverSideSubscriber = async (project: { auth: string }, userId: string, channels: string[]) => {
    const token = (await call('token', project.auth, { userId, channels }).expect(200)).body.token as string;
    const client = clients.create(url, { token });
    const connected = nextEvent(client, 'connected', 15_000);
    client.connect();
    await connected;
  };
  /** Watches the engine calls of `run`: the `channels` requests the app made, and the names the engine listed back. */
  const watchChannelCalls = async (run: () => Promise<unknown>) => {
    const api = jest.spyOn(app.get(EngineClient), 'api');
    try {
      await run();
      const requests = api.mock.calls.filter(([method]) => method === 'channels').map(([, body]) => body);
      const answers = await Promise.all(api.mock.results.map((result) => result.value as ReturnType<EngineClient['api']>));
      const listed = answers.flatMap((answer) => Object.keys(JSON.parse(answer.body.toString('utf8')).result.channels ?? {}));
      return { requests, listed };
    } finally {
      api.mockRestore();
    }
  };

  it("broadcasts to several of the project's channels, and refuses the whole broadcast if one is not the project's", async () => {
    const [one, two] = [`public:${a.slug}.one-${unique()}`, `public:${a.slug}.two-${unique()}`];
    const [first, second] = [await subscriber(a, 'ann', one), await subscriber(a, 'abe', two)];
    const received = [nextEvent(first, 'publication'), nextEvent(second, 'publication')];
    const answer = await call('broadcast', a.auth, { channels: [one, two], data: { hello: 'both' } }).expect(200);
    expect(answer.body.result.responses).toHaveLength(2);
    expect((await Promise.all(received)).map((ctx) => ctx.data)).toEqual([{ hello: 'both' }, { hello: 'both' }]);

    const foreign = `public:${b.slug}.news-${unique()}`;
    const refused = await call('broadcast', a.auth, { channels: [one, foreign], data: { sneaky: true } }).expect(403);
    expect(refused.body).toEqual({ statusCode: 403, error: `Channel "${foreign}" is not allowed for project "${a.slug}".` });
    expect(await engineHistory(foreign)).toEqual([]);
    expect((await engineHistory(one)).length).toBe(1); // only the first broadcast
  });

  it.each([
    ['a case variant of channels', (own: string, foreign: string) => `{"channels":["${own}"],"data":{},"CHANNELS":["${foreign}"]}`],
    ['channels twice', (own: string, foreign: string) => `{"channels":["${own}"],"channels":["${foreign}"],"data":{}}`],
    ['no channels', () => '{"data":{}}'],
    ['an empty channels list', () => '{"channels":[],"data":{}}'],
  ])('refuses a broadcast with %s with 400, and sends nothing', async (_case, body) => {
    const own = `public:${a.slug}.x-${unique()}`;
    const foreign = `public:${b.slug}.y-${unique()}`;
    await call('broadcast', a.auth, body(own, foreign)).expect(400);
    expect(await engineHistory(own)).toEqual([]);
    expect(await engineHistory(foreign)).toEqual([]);
  });

  it('refuses a broadcast naming a channel over 255 characters with 400, the limit the token routes apply, and sends nothing', async () => {
    const own = `public:${a.slug}.x-${unique()}`;
    const long = `public:${a.slug}.${'y'.repeat(10_000)}`;
    const response = await call('broadcast', a.auth, { channels: [own, long], data: {} }).expect(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Invalid request body: channel names must be at most 255 characters.',
      details: ['channel names must be at most 255 characters'],
    });
    expect(await engineHistory(own)).toEqual([]);
    const longest = `public:${a.slug}.${'z'.repeat(255 - `public:${a.slug}.`.length)}`;
    await call('broadcast', a.auth, { channels: [longest], data: {} }).expect(200);
  });

  it("answers presence and presence stats for the project's channel, and 403 for another project's", async () => {
    const room = `public:${a.slug}.room-${unique()}`;
    await subscriber(a, 'alice', room);
    const presence = await call('presence', a.auth, { channel: room }).expect(200);
    expect(Object.values(presence.body.result.presence).map((entry) => (entry as { user: string }).user)).toEqual(['alice']);
    expect((await call('presence-stats', a.auth, { channel: room }).expect(200)).body).toEqual({
      result: { num_clients: 1, num_users: 1 },
    });
    for (const path of ['presence', 'presence-stats', 'history']) await call(path, b.auth, { channel: room }).expect(403);
  });

  it('answers history with limit, since and reverse', async () => {
    const feed = `public:${a.slug}.feed-${unique()}`;
    for (const n of [1, 2, 3]) await call('publish', a.auth, { channel: feed, data: { n } }).expect(200);
    const all = (await call('history', a.auth, { channel: feed, limit: 10 }).expect(200)).body.result;
    expect(all.publications.map((p: { data: { n: number } }) => p.data.n)).toEqual([1, 2, 3]);
    const newest = (await call('history', a.auth, { channel: feed, limit: 1, reverse: true }).expect(200)).body.result;
    expect(newest.publications.map((p: { data: { n: number } }) => p.data.n)).toEqual([3]);
    const after = (
      await call('history', a.auth, { channel: feed, limit: 10, since: { offset: all.publications[0].offset, epoch: all.epoch } }).expect(
        200,
      )
    ).body.result;
    expect(after.publications.map((p: { data: { n: number } }) => p.data.n)).toEqual([2, 3]);
    const invalid = await call('history', a.auth, { channel: feed, limit: 5000 }).expect(400);
    expect(invalid.body.details).toEqual(['limit must be a whole number from 0 to 1000']);
    const tooFar = await call('history', a.auth, { channel: feed, since: { offset: 1e300, epoch: 'x' } }).expect(400);
    expect(tooFar.body.details).toEqual(['since.offset must be a whole number from 0 to 2^53 - 1']);
    const notAPosition = await call('history', a.auth, { channel: feed, since: [] }).expect(400);
    expect(notAPosition.body.details).toEqual(['since must be an object {offset, epoch}']);
  });

  it("lists only the project's own active channels, never another project's names", async () => {
    const mine = `public:${a.slug}.active-${unique()}`;
    const theirs = `public:${b.slug}.secret-${unique()}`;
    await subscriber(a, 'amy', mine);
    await subscriber(b, 'bob', theirs);
    const listed = Object.keys((await call('channels', a.auth, {}).expect(200)).body.result.channels);
    expect(listed).toContain(mine);
    expect(listed.every((channel) => channel.startsWith('public:') && channel.includes(`:${a.slug}.`))).toBe(true);
    expect(listed).not.toContain(theirs);
    expect(Object.keys((await call('channels', b.auth, {}).expect(200)).body.result.channels)).toContain(theirs);
  });

  it("asks the engine only for the project's patterns: another project's 4,000 live channels are never parsed, and a listing stops at 1,000", async () => {
    const load = Array.from({ length: 4000 }, (_, i) => `public:${b.slug}.load-${String(i).padStart(4, '0')}`);
    const batches = Array.from({ length: 40 }, (_, i) => load.slice(i * 100, i * 100 + 100));
    await Promise.all(batches.map((channels, i) => serverSideSubscriber(b, `bulk-${i}`, channels)));
    const mine = `public:${a.slug}.quiet-${unique()}`;
    await serverSideSubscriber(a, 'ada', [mine]);

    let answer: { channels: Record<string, unknown>; truncated: boolean } | undefined;
    const watched = await watchChannelCalls(async () => {
      answer = (await call('channels', a.auth, {}).expect(200)).body.result;
    });
    // What the app parsed for A is A's alone (a few of A's own from earlier tests may linger), not B's 4,000.
    expect(watched.listed).toContain(mine);
    expect(watched.listed.filter((channel) => !channel.includes(`:${a.slug}.`))).toEqual([]);
    expect(watched.listed.length).toBeLessThan(10);
    expect(watched.requests).toEqual([{ pattern: `*:${a.slug}.*` }]);
    expect(answer).toEqual({ channels: expect.objectContaining({ [mine]: { num_clients: 1 } }), truncated: false });

    const theirs = (await call('channels', b.auth, {}).expect(200)).body.result;
    expect(theirs.truncated).toBe(true);
    expect(Object.keys(theirs.channels)).toEqual(load.slice(0, 1000)); // the first 1,000 by name
  });

  it('finds channels whose names hold glob metacharacters, and never lists what the wider glob lets through', async () => {
    const weird = await createProject(app, 'Weird', ['public:w?[1]{a}\\*', '*:weird.*']);
    const auth = `apikey ${weird.serverApiKey}`;
    const own = ['public:w?[1]{a}\\tail', `public:weird.${unique()}`];
    const crossing = `public:x:weird.${unique()}`; // the glob *:weird.* matches it, the policy does not
    const lookalike = 'public:wX[1]{a}\\tail'; // would match only if "?" were left unescaped
    await serverSideSubscriber({ auth }, 'wendy', own);
    await serverSideSubscriber({ auth: root }, 'root', [crossing, lookalike]);

    let listed: Record<string, unknown> = {};
    const watched = await watchChannelCalls(async () => {
      listed = (await call('channels', auth, {}).expect(200)).body.result.channels;
    });
    expect(watched.requests).toEqual([{ pattern: 'public:w\\?\\[1\\]\\{a\\}\\\\*' }, { pattern: '*:weird.*' }]);
    expect([...watched.listed].sort()).toEqual([...own, crossing].sort()); // the engine's reading of the globs
    expect(Object.keys(listed).sort()).toEqual([...own].sort()); // and the policy's, which is what is answered
  });

  it('documents the channel API in OpenAPI with the 403', async () => {
    const document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    for (const path of ['broadcast', 'presence', 'presence-stats', 'history', 'channels']) {
      expect(document.paths[`/api/realtime/${path}`].post.responses['403']).toBeDefined();
    }
    expect(document.paths['/api/realtime/channels'].post.responses['200'].description).toContain('at most 1000 (the first by name)');
    expect(document.paths['/api/realtime/channels'].post.responses['200'].description).toContain('`truncated` is true');
  });
});
