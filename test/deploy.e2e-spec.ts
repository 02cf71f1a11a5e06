import { existsSync, readFileSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import { CONFIG_ENV_NAMES } from '../src/platform/config/env.parser';
import { freePort } from '../src/platform/ports';
import { DEPLOY_ENGINE_CONFIG, runEngine, type LocalEngine } from '../src/dev/local-engine';
import { createProject, createTestApp } from './support/app';
import { describeWithEngine, ENGINE_BINARY } from './support/engine';
import { ClientPool, nextEvent, websocketWithOrigin } from './support/realtime-client';

/**
 * No Docker engine runs here, so the deployment files are checked for what can be checked: they parse,
 * what they reference exists, and their ports, variable names and health paths match the code.
 */

const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
const k8s = ['deploy/k8s/app.yaml', 'deploy/k8s/centrifugo.yaml', 'deploy/k8s/ingress.yaml', 'deploy/k8s/secret.example.yaml'].flatMap(
  (file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
      expect(doc.errors).toEqual([]);
      return doc.toJS();
    }),
);
const find = (kind: string, name: string) => k8s.find((doc) => doc.kind === kind && doc.metadata.name === name);
const appContainer = find('Deployment', 'xshathra-app').spec.template.spec.containers[0];
const engineContainer = find('Deployment', 'xshathra-centrifugo').spec.template.spec.containers[0];
const dockerfile = readFileSync('Dockerfile', 'utf8');
const nginx = readFileSync('deploy/nginx.conf', 'utf8');

describe('deployment files', () => {
  it('reference only files that exist', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'src', 'migrations', 'public']));
    const kustomization = parse(readFileSync('deploy/kustomization.yaml', 'utf8'));
    const referenced = [
      ...copied,
      ...compose.services.centrifugo.volumes.map((volume: string) => volume.split(':')[0]),
      ...kustomization.resources.map((file: string) => `deploy/${file}`),
      ...kustomization.configMapGenerator[0].files.map((file: string) => `deploy/${file}`),
    ];
    for (const file of referenced) expect({ file, exists: existsSync(file) }).toEqual({ file, exists: true });
  });

  it('give the app only variables the service reads', () => {
    const secretKeys = Object.keys(find('Secret', 'xshathra-secrets').stringData);
    const names = [
      ...Object.keys(compose.services.app.environment),
      ...appContainer.env.map((e: { name: string }) => e.name),
      ...secretKeys,
    ];
    for (const name of names) expect(CONFIG_ENV_NAMES).toContain(name);
    // Both the app and the engine read the signing secret and the API key from the one secret.
    const engineRefs = engineContainer.env
      .filter((e: { valueFrom?: unknown }) => e.valueFrom)
      .map((e: any) => e.valueFrom.secretKeyRef.key);
    expect(engineRefs.sort()).toEqual(['CENTRIFUGO_API_KEY', 'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY', 'ENGINE_PROXY_SECRET', 'REDIS_URL']);
    expect(secretKeys.sort()).toEqual([
      'CENTRIFUGO_API_KEY',
      'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY',
      'DATABASE_URL',
      'ENGINE_PROXY_SECRET',
      'METRICS_TOKEN',
      'REDIS_URL',
    ]);
    // Prometheus finds the app's metrics on its own port and path; the Ingress never routes /metrics.
    const annotations = find('Deployment', 'xshathra-app').spec.template.metadata.annotations;
    expect(annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(appContainer.ports[0].containerPort),
      'prometheus.io/path': '/metrics',
    });
    // The engine sends the proxy secret as a static header built from that same secret (Kubernetes expands $(VAR)).
    const engineEnv = (name: string) => engineContainer.env.find((e: { name: string }) => e.name === name)?.value;
    expect(JSON.parse(engineEnv('CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_HTTP_STATIC_HEADERS'))).toEqual({
      'X-Xshathra-Proxy-Secret': '$(ENGINE_PROXY_SECRET)',
    });
    expect(engineEnv('CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_ENDPOINT')).toBe('http://xshathra-app:3001/internal/centrifugo/subscribe');
  });

  it('require every secret in docker-compose (no published default) and keep engine-only ports closed', () => {
    const raw = readFileSync('docker-compose.yml', 'utf8');
    const references = [...raw.matchAll(/\$\{(XSHATHRA_[A-Z_]+)([^}]*)\}/g)];
    expect(new Set(references.map((m) => m[1]))).toEqual(
      new Set(['XSHATHRA_TOKEN_SECRET', 'XSHATHRA_ENGINE_API_KEY', 'XSHATHRA_PROXY_SECRET']),
    );
    for (const [reference, , modifier] of references)
      expect({ reference, required: modifier.startsWith(':?') }).toEqual({ reference, required: true });
    expect(readFileSync('.env.example', 'utf8')).toMatch(
      /^XSHATHRA_TOKEN_SECRET=$[\s\S]*^XSHATHRA_ENGINE_API_KEY=$[\s\S]*^XSHATHRA_PROXY_SECRET=$/m,
    );
    expect(compose.services.centrifugo.ports).toBeUndefined();
  });

  it('scale out: two app and two engine replicas on Redis, with disruption budgets (Kubernetes) and a second compose file', () => {
    const engineDeployment = find('Deployment', 'xshathra-centrifugo');
    expect(find('Deployment', 'xshathra-app').spec.replicas).toBeGreaterThan(1);
    expect(engineDeployment.spec.replicas).toBeGreaterThan(1);
    const engineEnv = Object.fromEntries(
      engineContainer.env.map((e: { name: string; value?: string; valueFrom?: any }) => [e.name, e.value ?? e.valueFrom.secretKeyRef.key]),
    );
    expect(engineEnv).toMatchObject({ CENTRIFUGO_ENGINE_TYPE: 'redis', CENTRIFUGO_ENGINE_REDIS_ADDRESS: 'REDIS_URL' });
    for (const name of ['xshathra-app', 'xshathra-centrifugo']) {
      const budget = find('PodDisruptionBudget', name);
      expect(budget.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } });
    }

    // Compose's `!reset` tag (replace the base file's value) is kept as the plain value it tags.
    const reset = { tag: '!reset', collection: 'seq' as const, default: false, resolve: (value: unknown) => value };
    const scale = parse(readFileSync('docker-compose.scale.yml', 'utf8'), { customTags: [reset] });
    expect(scale.services.centrifugo.deploy.replicas).toBe(2);
    expect(scale.services.centrifugo.environment).toMatchObject({
      CENTRIFUGO_ENGINE_TYPE: 'redis',
      CENTRIFUGO_ENGINE_REDIS_ADDRESS: 'redis://redis:6379',
    });
    expect(scale.services.app.deploy.replicas).toBe(2);
    expect(scale.services.app.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(scale.services.app.ports).toEqual([]); // `!reset []`: only nginx is published
    expect(scale.services.nginx.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
    expect(scale.services.nginx.ports).toEqual(['127.0.0.1:8080:80']);
    expect(scale.services.centrifugo.environment.CENTRIFUGO_CLIENT_ALLOWED_ORIGINS).toBe('http://localhost:8080');
    // The app trusts nginx's own fixed address, not the network every container shares.
    expect(scale.services.app.environment.TRUST_PROXY).toBe(scale.services.nginx.networks.default.ipv4_address);
  });

  it('trust X-Forwarded-For from the proxy alone, never from a whole private range', () => {
    const trusted = [
      appContainer.env.find((e: { name: string }) => e.name === 'TRUST_PROXY').value as string,
      compose.services.app.environment.TRUST_PROXY as string | undefined,
    ].filter((value): value is string => value !== undefined);
    expect(trusted.length).toBeGreaterThan(0);
    for (const value of trusted)
      for (const entry of value.split(',')) {
        expect(entry).not.toMatch(/^(true|uniquelocal|linklocal|\d+)$/i);
        const prefix = /\/(\d+)$/.exec(entry)?.[1];
        if (prefix) expect(Number(prefix)).toBeGreaterThanOrEqual(24);
      }
  });

  it("open the engine's API port in Kubernetes to the app only, and point the app at it", () => {
    expect(engineContainer.env.find((e: { name: string }) => e.name === 'CENTRIFUGO_HTTP_SERVER_INTERNAL_PORT').value).toBe('9000');
    expect(engineContainer.livenessProbe.httpGet.port).toBe('internal');
    expect(appContainer.env.find((e: { name: string }) => e.name === 'CENTRIFUGO_API_URL').value).toBe('http://xshathra-centrifugo:9000');
    expect(find('Service', 'xshathra-centrifugo').spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([
      ['http', 8000],
      ['internal', 9000],
    ]);
    const policy = find('NetworkPolicy', 'xshathra-centrifugo');
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'xshathra-centrifugo' });
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 'http' }] },
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'xshathra-app' } } }], ports: [{ port: 'internal' }] },
    ]);
  });

  it('share one secret between the app and the engine in docker-compose', () => {
    const app = compose.services.app.environment;
    const engine = compose.services.centrifugo.environment;
    expect(app.CENTRIFUGO_TOKEN_HMAC_SECRET_KEY).toBe(engine.CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY);
    expect(app.CENTRIFUGO_API_KEY).toBe(engine.CENTRIFUGO_HTTP_API_KEY);
    expect(JSON.parse(engine.CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_HTTP_STATIC_HEADERS)).toEqual({
      'X-Xshathra-Proxy-Secret': app.ENGINE_PROXY_SECRET,
    });
    expect(engine.CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_ENDPOINT).toBe('http://app:3001/internal/centrifugo/subscribe');
    expect(Object.keys(compose.services.app.depends_on)).toEqual(['postgres', 'centrifugo']);
    expect(compose.services.app.depends_on.centrifugo.condition).toBe('service_healthy');
  });

  it('agree on the ports: app 3001, engine 8000', () => {
    const engineConfig = JSON.parse(readFileSync(DEPLOY_ENGINE_CONFIG, 'utf8'));
    expect(engineConfig.http_server.port).toBe(8000);
    expect(dockerfile).toMatch(/PORT=3001/);
    expect(dockerfile).toMatch(/^EXPOSE 3001$/m);
    expect(compose.services.app.ports).toEqual(['127.0.0.1:3001:3001']); // published on this machine only
    expect(compose.services.app.environment.PORT).toBe('3001');
    expect(compose.services.app.environment.CENTRIFUGO_UPSTREAM_URL).toBe('http://centrifugo:8000');
    expect(appContainer.ports[0].containerPort).toBe(3001);
    expect(find('Service', 'xshathra-app').spec.ports[0].port).toBe(3001);
    expect(appContainer.env.find((e: { name: string }) => e.name === 'CENTRIFUGO_UPSTREAM_URL').value).toBe(
      'http://xshathra-centrifugo:8000',
    );
    expect(find('Service', 'xshathra-centrifugo').spec.ports[0].port).toBe(8000);
    expect(engineContainer.ports[0].containerPort).toBe(8000);
    expect(nginx).toContain('server app:3001;');
    expect(nginx).toContain('server centrifugo:8000;');
  });

  it("route the engine's client endpoints through the app's guarded proxy, with long timeouts, and nothing else of the engine", () => {
    const engineIngress = find('Ingress', 'xshathra-realtime-connections');
    const [path] = engineIngress.spec.rules[0].http.paths;
    expect(path.backend.service.name).toBe('xshathra-app');
    expect(engineIngress.metadata.annotations['nginx.ingress.kubernetes.io/rewrite-target']).toBeUndefined();
    const pattern = new RegExp(`^${path.path}$`);
    expect(pattern.test('/realtime/connection/websocket')).toBe(true);
    expect(pattern.test('/realtime/emulation')).toBe(true);
    expect(nginx).toMatch(/location = \/realtime\/emulation \{\s*proxy_pass http:\/\/xshathra_app;/);
    expect(nginx).toMatch(/location \/realtime\/connection\/ \{\s*proxy_pass http:\/\/xshathra_app;/);
    for (const hidden of ['/realtime/api/publish', '/realtime/admin', '/realtime/metrics', '/realtime/health'])
      expect(pattern.test(hidden)).toBe(false);
    // The app's routes at the edge: its public paths, and never the engine-only /internal/ (Kubernetes Prefix
    // paths match whole path segments).
    const appPaths = find('Ingress', 'xshathra-realtime-app').spec.rules[0].http.paths;
    const routedToApp = (path: string) =>
      appPaths.some((p: { path: string; pathType: string }) =>
        p.pathType === 'Exact' ? path === p.path : path === p.path || path.startsWith(`${p.path}/`),
      );
    for (const path of [
      '/api/realtime/token',
      '/api/docs',
      '/health/ready',
      '/realtime/health',
      '/realtime/api/publish',
      '/socket-auth-test.html',
      '/socket-auth-test.css',
      '/socket-auth-test.js',
      '/vendor/centrifuge.js',
    ]) {
      expect({ path, routed: routedToApp(path) }).toEqual({ path, routed: true });
    }
    expect(routedToApp('/internal/centrifugo/subscribe')).toBe(false);
    expect(routedToApp('/metrics')).toBe(false);
    expect(nginx).toMatch(/location ~\* \^\/\(internal\|metrics\)\(\/\|\$\) \{\s*return 404;\s*\}/);
    // A client's own X-Forwarded-For is never passed on as if nginx had seen it.
    expect(nginx).not.toMatch(/X-Forwarded-For \$proxy_add_x_forwarded_for/);
    expect(nginx.match(/proxy_set_header X-Forwarded-For \$remote_addr;/g)).toHaveLength(3);
    expect(Number(engineIngress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThan(25);
    expect(nginx).toMatch(/location \/realtime\/connection\/ \{[^}]*proxy_set_header Upgrade \$http_upgrade;[^}]*proxy_read_timeout 60s;/);
  });

  describe('health paths the files probe', () => {
    let app: NestExpressApplication;
    beforeAll(async () => {
      app = await createTestApp();
    });
    afterAll(() => app.close());

    it('answer 200 on a healthy app', async () => {
      const paths = [
        appContainer.livenessProbe.httpGet.path,
        appContainer.readinessProbe.httpGet.path,
        appContainer.startupProbe.httpGet.path,
        /\/health\/\w+/.exec(dockerfile)![0],
        /\/health\/\w+/.exec(compose.services.app.healthcheck.test.join(' '))![0],
      ];
      expect(paths).toEqual(['/health/live', '/health/ready', '/health/live', '/health/live', '/health/ready']);
      for (const path of paths) await request(app.getHttpServer()).get(path).expect(200);
    });
  });
});

describeWithEngine('deploy/centrifugo/config.json in the real engine', () => {
  let engine: LocalEngine;
  let app: NestExpressApplication;
  const clients = new ClientPool();
  const secret = 'deploy-config-check-secret-0123456789abcdef';
  const apiKey = 'deploy-config-check-api-key';

  const proxySecret = 'deploy-config-check-proxy-secret';

  beforeAll(async () => {
    const port = await freePort();
    const appPort = await freePort();
    // The variables docker-compose gives the engine, with this run's secrets, ports and app address.
    const composeEngine = compose.services.centrifugo.environment;
    engine = await runEngine(ENGINE_BINARY!, DEPLOY_ENGINE_CONFIG, `http://127.0.0.1:${port}`, {
      CENTRIFUGO_HTTP_SERVER_PORT: String(port),
      CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY: secret,
      CENTRIFUGO_HTTP_API_KEY: apiKey,
      CENTRIFUGO_CLIENT_ALLOWED_ORIGINS: composeEngine.CENTRIFUGO_CLIENT_ALLOWED_ORIGINS,
      CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_ENDPOINT: composeEngine.CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_ENDPOINT.replace(
        'app:3001',
        `127.0.0.1:${appPort}`,
      ),
      CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_HTTP_STATIC_HEADERS: composeEngine.CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_HTTP_STATIC_HEADERS.replace(
        /\$\{XSHATHRA_PROXY_SECRET:\?[^}]*\}/,
        proxySecret,
      ),
    });
    app = await createTestApp({
      env: {
        CENTRIFUGO_UPSTREAM_URL: engine.url,
        CENTRIFUGO_API_KEY: apiKey,
        CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: secret,
        ENGINE_PROXY_SECRET: proxySecret,
      },
    });
    await app.listen(appPort, '127.0.0.1');
  });
  afterAll(async () => {
    clients.closeAll();
    await app?.close();
    await engine?.stop();
  });

  it('starts without unknown-key warnings', () => {
    expect(engine.output()).not.toContain('unknown key');
  });

  it("accepts the app's tokens and publishes, for a browser on http://localhost:3001, and asks the app about public subscriptions", async () => {
    const { serverApiKey, slug } = await createProject(app, 'Deploy check', null);
    const auth = `apikey ${serverApiKey}`;
    const token = (
      await request(app.getHttpServer()).post('/api/realtime/token').set('Authorization', auth).send({ userId: 'u' }).expect(200)
    ).body.token;
    const { port } = app.getHttpServer().address() as { port: number };
    const client = clients.create(`ws://127.0.0.1:${port}/realtime/connection/websocket`, {
      token,
      websocket: websocketWithOrigin('http://localhost:3001'),
    });
    const own = client.newSubscription(`public:${slug}.deploy`);
    const foreign = client.newSubscription('public:someone-else.deploy');
    const subscribed = nextEvent(own, 'subscribed');
    const refused = nextEvent(foreign, 'unsubscribed');
    own.subscribe();
    foreign.subscribe();
    client.connect();
    await subscribed;
    expect(await refused).toMatchObject({ code: 103 });
    const received = nextEvent(own, 'publication');
    await request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', auth)
      .send({ channel: `public:${slug}.deploy`, data: { ok: true } })
      .expect(200);
    expect((await received).data).toEqual({ ok: true });
  });
});

describeWithEngine('the Kubernetes engine layout: its API on an internal port', () => {
  let engine: LocalEngine;
  let app: NestExpressApplication;
  let publicUrl: string;
  const apiKey = 'internal-port-check-api-key';

  beforeAll(async () => {
    const [publicPort, internalPort] = [await freePort(), await freePort()];
    publicUrl = `http://127.0.0.1:${publicPort}`;
    const internalUrl = `http://127.0.0.1:${internalPort}`;
    engine = await runEngine(ENGINE_BINARY!, DEPLOY_ENGINE_CONFIG, internalUrl, {
      CENTRIFUGO_HTTP_SERVER_PORT: String(publicPort),
      CENTRIFUGO_HTTP_SERVER_INTERNAL_PORT: String(internalPort),
      CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY: 'internal-port-check-secret-0123456789abcdef',
      CENTRIFUGO_HTTP_API_KEY: apiKey,
    });
    app = await createTestApp({ env: { CENTRIFUGO_UPSTREAM_URL: publicUrl, CENTRIFUGO_API_URL: internalUrl, CENTRIFUGO_API_KEY: apiKey } });
  });
  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  it('publishes and answers /realtime/health through CENTRIFUGO_API_URL, while the public port has no API', async () => {
    const { serverApiKey, slug } = await createProject(app, 'Internal port', null);
    const published = await request(app.getHttpServer())
      .post('/api/realtime/publish')
      .set('Authorization', `apikey ${serverApiKey}`)
      .send({ channel: `public:${slug}.x`, data: {} })
      .expect(200);
    expect(published.body).toEqual({ result: expect.any(Object) });
    await request(app.getHttpServer()).get('/realtime/health').expect(200);
    await request(app.getHttpServer()).get('/health').expect(200);
    expect((await fetch(`${publicUrl}/api/publish`, { method: 'POST', headers: { 'X-API-Key': apiKey }, body: '{}' })).status).toBe(404);
  });
});
