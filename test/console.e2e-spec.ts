import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { CLI_ACTOR } from '../src/domain/audit/actor';
import { AdminKeysService } from '../src/domain/admin-keys/admin-keys.service';
import { SESSION_COOKIE } from '../src/http/auth/console-session';
import { freePort } from '../src/platform/ports';
import { createProject } from './support/app';
import { browserMissingReason, launchChromium } from './support/browser';
import { describeWithEngine, startEngineAndApp, TestEngine } from './support/engine';
import { ClientPool, nextEvent, wsUrl } from './support/realtime-client';

const run = promisify(execFile);
/** Screenshots go to docs/images with UPDATE_SCREENSHOTS=1 (then commit them), else to test-artifacts. */
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/images' : 'test-artifacts/console';
/** The ones docs/console.md shows (the others only go to test-artifacts, to keep the repository small). */
const IN_DOCS = new Set(
  [
    'projects-desktop',
    'projects-phone',
    'new-project-desktop',
    'project-phone',
    'project-after-changes-desktop',
    'audit-desktop',
    'audit-phone',
    'sign-in-phone',
    'debug-desktop',
    'debug-phone',
  ].map((name) => `console-${name}.png`),
);
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
/** Chrome reports every 4xx answer as a console line; the console expects some (a wrong key, a refused pattern) and shows them. */
const EXPECTED_HTTP_ERROR = /^Failed to load resource: the server responded with a status of 4\d\d/;

const missingBrowser = browserMissingReason();
if (missingBrowser && process.env.REQUIRE_BROWSER !== '1')
  process.stderr.write(`\n!!! SKIPPING the console browser test: ${missingBrowser}\n\n`);
const describeInBrowser = missingBrowser && process.env.REQUIRE_BROWSER !== '1' ? describe.skip : describe;

describeWithEngine('the console in a real browser', () => {
  describeInBrowser("an operator's whole flow in headless Chromium", () => {
    let engine: TestEngine;
    let app: NestExpressApplication;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let origin: string;
    let adminKey: { id: string; key: string };
    const problems: string[] = [];
    const clients = new ClientPool();

    beforeAll(async () => {
      if (missingBrowser) throw new Error(missingBrowser);
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      ({ engine, app } = await startEngineAndApp('Console seed', {
        port,
        extraOrigins: [origin],
        env: { API_KEY_CACHE_TTL_SECONDS: '0' },
      }));
      const created = await app.get(AdminKeysService).create(CLI_ACTOR, 'Operator');
      adminKey = { id: created.adminKey.id, key: created.key };
      browser = await launchChromium();
      context = await browser.newContext({ viewport: WIDTHS.desktop });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' && !EXPECTED_HTTP_ERROR.test(message.text())) problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      mkdirSync(SHOTS, { recursive: true });
    }, 60_000);
    afterAll(async () => {
      clients.closeAll();
      await browser?.close();
      await app?.close();
      await engine?.stop();
    });

    const http = () => request(app.getHttpServer());
    const mint = (key: string) => http().post('/api/realtime/token').set('Authorization', `apikey ${key}`).send({ userId: 'u1' });
    const region = (name: string) => page.getByRole('region', { name, exact: true });
    const dialogButton = (name: string) => page.getByRole('dialog').getByRole('button', { name, exact: true });

    /** axe-core at both widths (no serious or critical violation), and a screenshot of each. */
    async function checkPage(name: string): Promise<void> {
      for (const [width, viewport] of Object.entries(WIDTHS)) {
        await page.setViewportSize(viewport);
        const { violations } = await new AxeBuilder({ page }).analyze();
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(
          serious.map((v) => `${name} at ${width}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        ).toEqual([]);
        const file = `console-${name}-${width}.png`;
        if (SHOTS !== 'docs/images' || IN_DOCS.has(file)) await page.screenshot({ path: `${SHOTS}/${file}`, fullPage: true });
      }
      await page.setViewportSize(WIDTHS.desktop);
    }

    /** Opens the console signed out (signing out first if need be), then signs in with `key`. */
    async function freshSignIn(key: string): Promise<void> {
      await page.goto(`${origin}/console/`);
      const signOut = page.getByRole('button', { name: 'Sign out' });
      await signOut.or(page.getByRole('button', { name: 'Sign in' })).waitFor({ timeout: 5000 });
      if (await signOut.isVisible()) await signOut.click();
      await signIn(key);
      await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    }

    async function signIn(key: string): Promise<void> {
      await page.getByLabel('Admin key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }

    async function expectNoKeyInBrowserStorage(): Promise<void> {
      // Runs in the page (this file is compiled without the DOM's types).
      const stored: { local: string; session: string; cookie: string } = await page.evaluate(() => {
        const window = globalThis as any;
        return {
          local: JSON.stringify({ ...window.localStorage }),
          session: JSON.stringify({ ...window.sessionStorage }),
          cookie: window.document.cookie,
        };
      });
      for (const place of Object.values(stored)) {
        expect(place).not.toContain(adminKey.key);
        expect(place).not.toContain('xs_ak_');
      }
      expect(stored.cookie).not.toContain(SESSION_COOKIE); // HttpOnly: no script can read the session
    }

    const sessionCookie = async () => (await context.cookies(origin)).find((cookie) => cookie.name === SESSION_COOKIE);

    it('signs in, creates a project and uses its key, rotates keys, edits the policy, the rate limit and the state, reads the audit log, signs out', async () => {
      // A browser asking for / lands on the console's sign-in.
      await page.goto(`${origin}/`);
      expect(page.url()).toBe(`${origin}/console/`);
      await page.getByRole('heading', { name: 'Xshathra Realtime console' }).waitFor();
      await checkPage('sign-in');

      await signIn('xs_ak_not-a-real-key');
      await expect(page.getByRole('alert').innerText()).resolves.toBe('That admin key was not accepted.');
      await signIn(adminKey.key);
      await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
      await expectNoKeyInBrowserStorage();
      expect(await sessionCookie()).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

      // A new project: its keys shown once, a Copy button, and snippets that work as pasted.
      const name = `Console ${randomUUID().slice(0, 8)}`;
      await page.getByRole('button', { name: 'New project' }).click();
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Create project' }).click();
      const serverKeyField = page.getByLabel('Server API key', { exact: true });
      await serverKeyField.waitFor();
      const serverKey = await serverKeyField.inputValue();
      expect(serverKey).toMatch(/^xs_sk_/);
      expect(await page.getByLabel('Client API key', { exact: true }).inputValue()).toMatch(/^xs_pk_/);
      await expect(page.getByRole('note').first().innerText()).resolves.toContain('will not be shown again');
      await page.getByRole('button', { name: 'Copy server API key' }).click();
      expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(serverKey);
      await checkPage('new-project');

      const curl = await page
        .getByRole('region', { name: /created/ })
        .locator('pre[aria-label="curl snippet"]')
        .innerText();
      expect(curl).toContain(serverKey);
      const minted = JSON.parse((await run('sh', ['-c', curl])).stdout);
      expect(minted.token).toEqual(expect.any(String));
      const node = await page.locator('pre[aria-label="Node.js snippet"]').innerText();
      const fromNode = await run(process.execPath, ['--input-type=module', '-e', `${node}\nconsole.log(token);`]);
      expect(fromNode.stdout.trim()).toMatch(/^eyJ/);

      // The project's page.
      await page.getByRole('link', { name: `Open ${name}` }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      const keys = region('Keys');
      await keys
        .getByRole('row')
        .filter({ hasText: serverKey.slice(0, 12) })
        .waitFor();
      const projectId = page.url().split('/').pop()!;
      await checkPage('project');

      // Rotate the server key: a new one works, the old one is revoked after a confirmation.
      await keys.getByRole('button', { name: 'New server key' }).click();
      const newKey = await page.getByLabel('New server API key', { exact: true }).inputValue();
      await mint(newKey).expect(200);
      await keys
        .getByRole('row')
        .filter({ hasText: serverKey.slice(0, 12) })
        .getByRole('button', { name: /^Revoke/ })
        .click();
      await page
        .getByRole('dialog')
        .getByRole('heading', { name: /Revoke/ })
        .waitFor();
      await dialogButton('Revoke key').click();
      await keys.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
      await mint(serverKey).expect(401);
      await mint(newKey).expect(200);

      // Channel patterns: the API's own message when refused (invalid: 400, overlapping: 409), saved otherwise.
      const channels = region('Channel patterns');
      const { slug: otherSlug } = await createProject(app, `Other ${randomUUID().slice(0, 8)}`, null);
      const refusals: Array<[string[], number]> = [
        [['not a pattern'], 400],
        [[`*:${otherSlug}.*`], 409],
      ];
      for (const [patterns, status] of refusals) {
        const expected = await http()
          .patch(`/api/admin/projects/${projectId}`)
          .set('Authorization', `Bearer ${adminKey.key}`)
          .send({ channels: patterns })
          .expect(status);
        await channels.getByLabel('Channel patterns').fill(patterns.join('\n'));
        await channels.getByRole('button', { name: 'Save' }).click();
        const alert = channels.getByRole('alert');
        await alert.filter({ hasText: expected.body.error.slice(0, 40) }).waitFor();
        expect(await alert.innerText()).toContain(expected.body.error);
      }
      const slug = (await http().get(`/api/admin/projects/${projectId}`).set('Authorization', `Bearer ${adminKey.key}`)).body.slug;
      await channels.getByLabel('Channel patterns').fill(`*:${slug}.*\npublic:${slug}-lobby.*`);
      await channels.getByRole('button', { name: 'Save' }).click();
      await channels.getByRole('status').filter({ hasText: 'Channel patterns saved.' }).waitFor();

      // Rate limit.
      const rateLimit = region('Rate limit');
      await rateLimit.getByLabel('Requests per minute').fill('120');
      await rateLimit.getByRole('button', { name: 'Save' }).click();
      await rateLimit.getByRole('status').filter({ hasText: 'Rate limit saved.' }).waitFor();

      // Live: a connected client shows up within a refresh, and is cut by "Disconnect all".
      const token = (await mint(newKey).expect(200)).body.token as string;
      const client = clients.create(wsUrl(app.getHttpServer()), { token });
      const connected = nextEvent(client, 'connected');
      client.connect();
      await connected;
      const live = region('Live');
      await live.locator('dd').first().filter({ hasText: /^1$/ }).waitFor({ timeout: 12_000 });
      const cut = nextEvent(client, 'disconnected', 5000);
      await live.getByRole('button', { name: 'Disconnect all' }).click();
      await dialogButton('Disconnect all').click();
      await live.getByRole('status').filter({ hasText: '1 connection closed.' }).waitFor();
      expect(await cut).toMatchObject({ code: 4501 });

      // Disable and enable, each confirmed.
      const danger = region('Danger zone');
      await danger.getByRole('button', { name: 'Disable project' }).click();
      await dialogButton('Disable project').click();
      await danger.getByRole('status').filter({ hasText: 'Project disabled.' }).waitFor();
      await mint(newKey).expect(401);
      await danger.getByRole('button', { name: 'Enable project' }).click();
      await dialogButton('Enable project').click();
      await danger.getByRole('status').filter({ hasText: 'Project enabled.' }).waitFor();
      await mint(newKey).expect(200);
      await checkPage('project-after-changes');

      // Every change is in the audit log, under this admin key.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
      await page.getByLabel('Project').selectOption({ label: name });
      await page.getByRole('heading', { name: `Entries for ${name}` }).waitFor();
      const table = page.getByRole('table');
      await table.getByRole('row').filter({ hasText: 'project.enable' }).waitFor();
      await page.getByText('Page 1 of 1 (8 in all)').waitFor();
      const rows = await table.getByRole('row').allInnerTexts();
      const actions = rows.slice(1).map((row) => /\b(project|key)\.[a-z]+/.exec(row)?.[0]);
      expect(actions).toEqual([
        'project.enable',
        'project.disable',
        'project.disconnect',
        'project.update',
        'project.update',
        'key.revoke',
        'key.create',
        'project.create',
      ]);
      for (const row of rows.slice(1)) expect(row).toContain('Admin key “Operator” (you)');
      expect(rows.find((row) => row.includes('rateLimitPerMinute'))).toMatch(/rateLimitPerMinute: null → 120/);
      expect(rows.find((row) => row.includes('channels'))).toContain(`["*:${slug}.*"] → ["*:${slug}.*","public:${slug}-lobby.*"]`);
      await checkPage('audit');

      await page.getByRole('link', { name: 'Projects', exact: true }).click();
      await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
      // Oldest first, 20 a page: other specs share this database, so the new project may be on a later page.
      const next = page.getByRole('button', { name: 'Next page' });
      while (!(await page.getByRole('link', { name }).isVisible()) && (await next.isEnabled())) await next.click();
      await page.getByRole('link', { name }).waitFor();
      await checkPage('projects');

      // Sign out: the session is dead on the server, not only forgotten by the browser.
      const cookie = (await sessionCookie())!;
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await sessionCookie()).toBeUndefined();
      await http().get('/api/admin/projects').set('Cookie', `${SESSION_COOKIE}=${cookie.value}`).expect(401);
      await expectNoKeyInBrowserStorage();
    }, 120_000);

    it('refuses a change made with the session cookie from another origin', async () => {
      await freshSignIn(adminKey.key);
      const { value } = (await sessionCookie())!;
      const { projectId } = await createProject(app, `Target ${randomUUID().slice(0, 8)}`, null);
      const change = (from: string) =>
        http()
          .patch(`/api/admin/projects/${projectId}`)
          .set('Host', new URL(origin).host)
          .set('Cookie', `${SESSION_COOKIE}=${value}`)
          .set('Origin', from)
          .set('X-Xshathra-Console', '1')
          .send({ rateLimitPerMinute: 1 });
      await change('http://evil.example').expect(403);
      await change(origin).expect(200);
      // A page of another origin cannot even make the browser send the cookie with its request.
      const other = await context.newPage();
      await other.goto(`${origin.replace('127.0.0.1', 'localhost')}/health/live`);
      const status = await other.evaluate(async (target) => {
        const response = await fetch(`${target}/api/admin/projects`, { credentials: 'include' }).catch(() => undefined);
        return response?.status ?? 'blocked';
      }, origin);
      expect(status).toBe('blocked'); // no CORS grant: the browser refuses to hand over the answer
      await other.close();
    }, 60_000);

    it('ends the console session at once when its admin key is revoked', async () => {
      const { adminKey: second, key } = await app.get(AdminKeysService).create(CLI_ACTOR, 'Short-lived');
      await freshSignIn(key);
      await app.get(AdminKeysService).revoke(CLI_ACTOR, second.id);
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5000 });
      expect(await page.getByRole('status').first().innerText()).toContain('session has ended');
    }, 60_000);

    it("streams a project's events live on its Debug page, with the reason of a refused subscription and no secret", async () => {
      await freshSignIn(adminKey.key);
      const name = `Debugged ${randomUUID().slice(0, 8)}`;
      const project = await createProject(app, name, null);
      await page.goto(`${origin}/console/projects/${project.projectId}`);
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Debug', exact: true }).click();
      await page.getByRole('heading', { name: `Debug: ${name}`, level: 1 }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Listening' }).waitFor({ timeout: 10_000 });

      const server = (path: string, body: object) =>
        http().post(`/api/realtime/${path}`).set('Authorization', `apikey ${project.serverApiKey}`).send(body);
      const room = `public:${project.slug}.room`;
      const minted = await server('token', { userId: 'alice', channels: [room] }).expect(200);
      await server('publish', { channel: room, data: { text: 'payload-marker' } }).expect(200);
      await server('publish', { channel: 'public:not-mine.x', data: {} }).expect(403);
      const alice = clients.create(wsUrl(app.getHttpServer()), { token: (await server('token', { userId: 'alice' })).body.token });
      const connected = nextEvent(alice, 'connected');
      alice.connect();
      await connected;
      const refused = alice.newSubscription('public:not-mine.y');
      const unsubscribed = nextEvent(refused, 'unsubscribed');
      refused.subscribe();
      await unsubscribed;

      const events = page.getByRole('table');
      const row = (what: string, details: string) => events.getByRole('row').filter({ hasText: what }).filter({ hasText: details });
      await row('Connection token', `User “alice”; server-side channels: “${room}”.`).waitFor();
      await row('Publish', `Channel “${room}”`).waitFor();
      await row('Refused request (403)', 'POST /api/realtime/publish').filter({ hasText: 'public:not-mine.x' }).waitFor();
      await row('Subscription refused', `outside the channels of project "${project.slug}"`)
        .filter({ hasText: 'public:not-mine.y' })
        .waitFor();
      const shown = await page.locator('main').innerText();
      for (const secret of [minted.body.token, project.serverApiKey, 'payload-marker']) expect(shown).not.toContain(secret);

      // Paused: new events are not shown; Clear empties the table.
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.getByRole('status').filter({ hasText: 'Paused' }).waitFor();
      await checkPage('debug');
      await page.getByRole('button', { name: 'Clear' }).click();
      await events.getByText('No events yet.').waitFor();
    }, 60_000);

    it('logs no error in the browser during the whole run', () => {
      expect(problems).toEqual([]);
    });
  });
});
