import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { freePort } from '../src/platform/ports';
import { createProject, createTestApp } from './support/app';
import { browserMissingReason, launchChromium } from './support/browser';
import { describeWithEngine, startEngineAndApp, TestEngine } from './support/engine';

const ARTIFACTS = 'test-artifacts';
const missingBrowser = browserMissingReason();
if (missingBrowser && process.env.REQUIRE_BROWSER !== '1') process.stderr.write(`\n!!! SKIPPING the browser test: ${missingBrowser}\n\n`);
const describeInBrowser = missingBrowser && process.env.REQUIRE_BROWSER !== '1' ? describe.skip : describe;

describeWithEngine('socket-auth-test.html in a real browser', () => {
  describeInBrowser('the whole flow in headless Chromium', () => {
    let engine: TestEngine;
    let app: NestExpressApplication;
    let browser: Browser;
    let page: Page;
    let origin: string;
    let serverApiKey: string;

    beforeAll(async () => {
      if (missingBrowser) throw new Error(missingBrowser); // REQUIRE_BROWSER=1 without a browser
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      ({ engine, app, serverApiKey } = await startEngineAndApp('Browser', { port, extraOrigins: [origin] }));
      browser = await launchChromium();
    }, 60_000);
    beforeEach(async () => {
      page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
      await page.goto(`${origin}/socket-auth-test.html`);
    });
    afterEach(() => page?.close());
    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await engine?.stop();
    });

    const connect = async () => {
      await page.fill('#serverKey', serverApiKey);
      await page.click('#mintToken');
      await page.click('#connect:enabled');
      await page.waitForSelector('#connectionStatus.connected');
    };
    const subscribe = async (channel: string) => {
      await page.fill('#channel', channel);
      await page.click('#subscribe:enabled');
      await page.waitForSelector('#subscriptionStatus.subscribed');
    };

    it('mints a token, connects, subscribes, publishes, and shows the publication on the page', async () => {
      expect(await page.locator('.warning').innerText()).toContain('For local testing only');
      await connect();
      const channel = `public:browser-${randomUUID().slice(0, 8)}`;
      await subscribe(channel);

      await page.fill('#publishData', '{ "type": "chat.message", "text": "Hello from the test page" }');
      await page.click('#publish:enabled');
      const line = page.locator('#messages li', { hasText: 'Hello from the test page' });
      await line.waitFor();
      expect(await line.innerText()).toContain(`[${channel}] {"type":"chat.message","text":"Hello from the test page"}`);

      // A backend's publish arrives on the page too.
      await request(app.getHttpServer())
        .post('/api/realtime/publish')
        .set('Authorization', `apikey ${serverApiKey}`)
        .send({ channel, data: { from: 'backend' } })
        .expect(200);
      await page.locator('#messages li', { hasText: '{"from":"backend"}' }).waitFor();
      expect(await page.locator('#log li.ok', { hasText: `published to ${channel}` }).count()).toBe(1);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}/socket-auth-test.png`, fullPage: true });
    });

    it('subscribes to a private channel with a subscription token and receives', async () => {
      await connect();
      const channel = `private:browser-${randomUUID().slice(0, 8)}`;
      await subscribe(channel);
      await page.fill('#publishData', '{ "secret": 42 }');
      await page.click('#publish:enabled');
      await page.locator('#messages li', { hasText: `[${channel}] {"secret":42}` }).waitFor();
    });

    it('shows underscores in its inputs (the line height is not lost to the font shorthand)', async () => {
      const input = page.locator('#userId');
      expect(await input.inputValue()).toBe('user_01HZEXAMPLE');
      // A string, evaluated in the page (this project's types have no DOM).
      const box = await page.evaluate(`(() => {
        const element = document.getElementById('userId');
        const style = getComputedStyle(element);
        return {
          lineHeight: style.lineHeight,
          fontSize: parseFloat(style.fontSize),
          textBox: element.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
        };
      })()`);
      // The text box leaves room below the baseline for "_" in any monospace font, not just the font's own height.
      expect(box).toEqual({ lineHeight: '20px', fontSize: 14, textBox: 20 });
      await input.fill('_____');
      const underscores = await input.screenshot();
      await input.fill('     ');
      expect(underscores.equals(await input.screenshot())).toBe(false);
    });

    it("fills in a fresh project's own channel, and offers each button only when it can act", async () => {
      const fresh = await createProject(app, 'Page fresh', null);
      await page.fill('#serverKey', fresh.serverApiKey);
      // Polled from here: the page's CSP forbids the eval a string waitForFunction needs.
      for (let i = 0; i < 100 && (await page.inputValue('#channel')) !== `public:${fresh.slug}.lobby`; i++) await page.waitForTimeout(50);
      expect(await page.inputValue('#channel')).toBe(`public:${fresh.slug}.lobby`);
      expect(await page.locator('#projectInfo').innerText()).toContain(`owns *:${fresh.slug}.*`);
      const disabled = async () =>
        Object.fromEntries(
          await Promise.all(
            ['connect', 'disconnect', 'subscribe', 'unsubscribe', 'publish'].map(async (id) => [
              id,
              await page.locator(`#${id}`).isDisabled(),
            ]),
          ),
        );
      expect(await disabled()).toEqual({ connect: true, disconnect: true, subscribe: true, unsubscribe: true, publish: true });

      await page.click('#mintToken');
      await page.click('#connect:enabled');
      await page.waitForSelector('#connectionStatus.connected');
      expect(await disabled()).toEqual({ connect: true, disconnect: false, subscribe: false, unsubscribe: true, publish: true });

      await page.click('#subscribe:enabled');
      await page.waitForSelector('#subscriptionStatus.subscribed');
      expect(await disabled()).toEqual({ connect: true, disconnect: false, subscribe: true, unsubscribe: false, publish: false });
      await page.click('#publish:enabled');
      await page.locator('#messages li', { hasText: `[public:${fresh.slug}.lobby]` }).waitFor();

      await page.click('#unsubscribe:enabled');
      await page.waitForSelector('#subscribe:enabled');
      expect(await disabled()).toEqual({ connect: true, disconnect: false, subscribe: false, unsubscribe: true, publish: true });

      await page.click('#disconnect:enabled');
      await page.waitForSelector('#connect:enabled');
      expect(await disabled()).toEqual({ connect: false, disconnect: true, subscribe: true, unsubscribe: true, publish: true });
    });

    it('shows why a channel of another project is refused', async () => {
      const mine = await createProject(app, 'Page mine', null);
      const other = await createProject(app, 'Page other', null);
      await page.fill('#serverKey', mine.serverApiKey);
      await page.click('#mintToken');
      await page.click('#connect:enabled');
      await page.waitForSelector('#connectionStatus.connected');
      const foreign = `public:${other.slug}.lobby`;
      await page.fill('#channel', foreign);
      await page.click('#subscribe:enabled');
      await page
        .locator('#log li.error', {
          hasText: `unsubscribed from ${foreign}: 103 Subscription to "${foreign}" refused: the channel is outside the channels of project "${mine.slug}" (*:${mine.slug}.*).`,
        })
        .waitFor();
    });

    it('shows each error as it happens (a wrong key, invalid JSON, an unknown namespace)', async () => {
      await page.fill('#serverKey', 'xs_sk_wrong');
      await page.click('#mintToken');
      await page.locator('#log li.error', { hasText: '/api/realtime/token → 401: Invalid API key' }).waitFor();

      await connect();
      await subscribe(`public:errors-${randomUUID().slice(0, 8)}`);
      await page.fill('#publishData', '{ not json');
      await page.click('#publish');
      await page.locator('#log li.error', { hasText: 'data is not valid JSON' }).waitFor();

      await page.fill('#channel', 'nowhere:room');
      await page.click('#subscribe');
      await page.locator('#log li.error', { hasText: 'unsubscribed from nowhere:room: 102' }).waitFor();
    });
  });
});

describe('socket-auth-test.html availability', () => {
  it('is served with the centrifuge-js bundle in development', async () => {
    const app = await createTestApp();
    try {
      const page = await request(app.getHttpServer()).get('/socket-auth-test.html').expect(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.text).toContain('<script src="/vendor/centrifuge.js"></script>');
      // No inline script or style: the page runs under the strict CSP every response carries.
      expect(page.headers['content-security-policy']).toContain("script-src 'self';");
      expect(page.text).not.toMatch(/<script>|<style>|style="|\son\w+="/);
      await request(app.getHttpServer())
        .get('/socket-auth-test.js')
        .expect(200)
        .expect('Content-Type', /javascript/);
      await request(app.getHttpServer()).get('/socket-auth-test.css').expect(200).expect('Content-Type', /css/);
      const bundle = await request(app.getHttpServer()).get('/vendor/centrifuge.js').expect(200);
      expect(bundle.headers['content-type']).toContain('javascript');
      expect(bundle.text).toContain('globalThis.Centrifuge=');
    } finally {
      await app.close();
    }
  });

  it.each([
    [{ NODE_ENV: 'production' }, 404],
    [{ NODE_ENV: 'production', SOCKET_TEST_PAGE: 'true' }, 200],
    [{ SOCKET_TEST_PAGE: 'false' }, 404],
  ])('answers %j with %i', async (env, status) => {
    const app = await createTestApp({ env: { ...env, DATABASE_URL: process.env.DATABASE_URL } });
    try {
      await request(app.getHttpServer()).get('/socket-auth-test.html').expect(status);
      await request(app.getHttpServer()).get('/vendor/centrifuge.js').expect(status);
    } finally {
      await app.close();
    }
  });
});
