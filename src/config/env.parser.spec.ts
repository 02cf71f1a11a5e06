import { ConfigError, parseEnv } from './env.parser';

describe('parseEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(parseEnv({})).toEqual({
      nodeEnv: 'development',
      isProduction: false,
      port: 3001,
      logLevel: 'info',
      databaseUrl: undefined,
      dataDir: '.data',
      tokenHmacSecret: undefined,
      engineUrl: undefined,
      engineApiKey: undefined,
      engineProxySecret: undefined,
      engineTimeoutMs: 5000,
      centrifugoBin: undefined,
      apiKeyCacheTtlSeconds: 5,
      bodyLimitBytes: 65536,
      socketTestPage: true,
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

  it('does not require a signing secret or an engine (those endpoints answer 503 instead)', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })).not.toThrow();
  });
});
