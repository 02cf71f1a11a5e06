import { ConfigError, parseEnv } from './env.parser';

describe('parseEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(parseEnv({})).toEqual({
      nodeEnv: 'development',
      isProduction: false,
      port: 3001,
      logLevel: 'info',
      logFormat: 'json',
      databaseUrl: undefined,
      dataDir: '.data',
      tokenHmacSecret: undefined,
      engineUrl: undefined,
      engineApiUrl: undefined,
      engineApiKey: undefined,
      engineProxySecret: undefined,
      engineTimeoutMs: 5000,
      centrifugoBin: undefined,
      apiKeyCacheTtlSeconds: 5,
      apiKeyMaxStaleSeconds: 300,
      trustProxy: false,
      headersTimeoutMs: 10_000,
      maxProxiedWebSockets: 10_000,
      maxProxiedWebSocketsPerAddress: 1000,
      rateLimitPerMinute: 6000,
      authFailuresPerMinute: 30,
      rateLimitWindowSeconds: 60,
      redisUrl: undefined,
      apiDocs: true,
      shutdownDrainMs: 0,
      metricsToken: undefined,
      bodyLimitBytes: 65536,
      socketTestPage: true,
      adminSessionIdleMinutes: 30,
      adminSessionMaxHours: 12,
    });
  });

  it('prefers CENTRIFUGO_TOKEN_HMAC_SECRET_KEY over the legacy alias, and falls back to the alias', () => {
    expect(parseEnv({ CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: 'new', CENTRIFUGO_TOKEN_HMAC_SECRET: 'old' }).tokenHmacSecret).toBe('new');
    expect(parseEnv({ CENTRIFUGO_TOKEN_HMAC_SECRET: 'old' }).tokenHmacSecret).toBe('old');
  });

  it('treats empty values as unset', () => {
    const config = parseEnv({ PORT: '', CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: '  ', DATABASE_URL: '' });
    expect(config.port).toBe(3001);
    expect(config.tokenHmacSecret).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
  });

  it('drops a trailing slash from the engine URL', () => {
    expect(parseEnv({ CENTRIFUGO_UPSTREAM_URL: 'http://127.0.0.1:8000/' }).engineUrl).toBe('http://127.0.0.1:8000');
  });

  it.each([
    [{ PORT: '30o1' }, 'PORT must be an integer between 0 and 65535, got "30o1"'],
    [{ PORT: '70000' }, 'PORT must be an integer between 0 and 65535, got "70000"'],
    [{ API_KEY_CACHE_TTL_SECONDS: '600' }, 'API_KEY_CACHE_TTL_SECONDS must be an integer between 0 and 60, got "600"'],
    [{ CENTRIFUGO_UPSTREAM_URL: 'localhost:8000' }, 'CENTRIFUGO_UPSTREAM_URL must use http: or https:, got "localhost:"'],
    [{ DATABASE_URL: '://nope' }, 'DATABASE_URL is not a valid URL'],
    [{ ADMIN_SESSION_IDLE_MINUTES: '0' }, 'ADMIN_SESSION_IDLE_MINUTES must be an integer between 1 and 1440, got "0"'],
    [{ ADMIN_SESSION_MAX_HOURS: '721' }, 'ADMIN_SESSION_MAX_HOURS must be an integer between 1 and 720, got "721"'],
    [{ NODE_ENV: 'production' }, 'DATABASE_URL is required when NODE_ENV=production (the embedded database is for development only)'],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => parseEnv(env)).toThrow(new ConfigError(message));
  });

  it('serves the socket test page outside production, and in production only when SOCKET_TEST_PAGE enables it', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' };
    expect(parseEnv({}).socketTestPage).toBe(true);
    expect(parseEnv(production).socketTestPage).toBe(false);
    expect(parseEnv({ ...production, SOCKET_TEST_PAGE: 'true' }).socketTestPage).toBe(true);
    expect(parseEnv({ SOCKET_TEST_PAGE: 'off' }).socketTestPage).toBe(false);
    expect(() => parseEnv({ SOCKET_TEST_PAGE: 'maybe' })).toThrow(new ConfigError('SOCKET_TEST_PAGE must be true or false, got "maybe"'));
  });

  it('uses the engine URL for its API unless CENTRIFUGO_API_URL names another (an internal port)', () => {
    expect(parseEnv({ CENTRIFUGO_UPSTREAM_URL: 'http://e:8000' }).engineApiUrl).toBe('http://e:8000');
    expect(parseEnv({ CENTRIFUGO_UPSTREAM_URL: 'http://e:8000', CENTRIFUGO_API_URL: 'http://e:9000/' }).engineApiUrl).toBe('http://e:9000');
  });

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
  ])('reads TRUST_PROXY=%p as Express does', (raw, value) => {
    expect(parseEnv({ TRUST_PROXY: raw }).trustProxy).toEqual(value);
  });

  it('caps realtime connections per address at 10 % of MAX_PROXIED_WEBSOCKETS (at least 1) unless set', () => {
    expect(parseEnv({ MAX_PROXIED_WEBSOCKETS: '250' }).maxProxiedWebSocketsPerAddress).toBe(25);
    expect(parseEnv({ MAX_PROXIED_WEBSOCKETS: '5' }).maxProxiedWebSocketsPerAddress).toBe(1);
    expect(parseEnv({ MAX_PROXIED_WEBSOCKETS_PER_ADDRESS: '3' }).maxProxiedWebSocketsPerAddress).toBe(3);
    expect(() => parseEnv({ MAX_PROXIED_WEBSOCKETS_PER_ADDRESS: '0' })).toThrow(ConfigError);
  });

  it('refuses a TRUST_PROXY that is not an address list', () => {
    expect(() => parseEnv({ TRUST_PROXY: 'everyone' })).toThrow(ConfigError);
  });

  describe('secrets in production', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' };
    const strong = 'k7Qv2Xw9Lr4Tz8Pn1Fh6Jd3Sb5Gm0Ycx';

    it.each([
      [
        { CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: 'short-but-random-7f3a' },
        'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY must be at least 32 bytes long in production (e.g. `openssl rand -base64 32`)',
      ],
      [
        { CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: 'CHANGE_ME' },
        'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY is a placeholder value; set a random secret (e.g. `openssl rand -base64 32`) in production',
      ],
      [
        { CENTRIFUGO_TOKEN_HMAC_SECRET: 'local-compose-token-secret-change-me-0123456789' },
        'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY is a placeholder value; set a random secret (e.g. `openssl rand -base64 32`) in production',
      ],
      [
        { CENTRIFUGO_API_KEY: 'changeme' },
        'CENTRIFUGO_API_KEY is a placeholder value; set a random secret (e.g. `openssl rand -base64 32`) in production',
      ],
      [
        { ENGINE_PROXY_SECRET: 'CHANGE_ME' },
        'ENGINE_PROXY_SECRET is a placeholder value; set a random secret (e.g. `openssl rand -base64 32`) in production',
      ],
    ])('refuses %j', (env, message) => {
      expect(() => parseEnv({ ...production, ...env })).toThrow(new ConfigError(message));
    });

    it('accepts random secrets, and leaves weak ones alone outside production', () => {
      expect(() =>
        parseEnv({ ...production, CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: strong, CENTRIFUGO_API_KEY: 'x7', ENGINE_PROXY_SECRET: 'y8' }),
      ).not.toThrow();
      expect(parseEnv({ CENTRIFUGO_TOKEN_HMAC_SECRET_KEY: 'CHANGE_ME' }).tokenHmacSecret).toBe('CHANGE_ME');
    });

    it('turns the OpenAPI docs off unless API_DOCS enables them', () => {
      expect(parseEnv(production).apiDocs).toBe(false);
      expect(parseEnv({ ...production, API_DOCS: 'true' }).apiDocs).toBe(true);
    });
  });

  it('does not require a signing secret or an engine (those endpoints answer 503 instead)', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })).not.toThrow();
  });
});
