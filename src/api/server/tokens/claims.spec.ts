import { buildConnectionClaims, buildSubscriptionClaims, effectiveTtl } from './claims';

const NOW_MS = 1_800_000_000_123;
const NOW_S = 1_800_000_000;
const META = { projectId: 'p-1', keyId: 'k-1' };

describe('claims', () => {
  it('builds connection claims in seconds, with the project in meta, and channels and info only when given', () => {
    expect(buildConnectionClaims({ userId: 'u1' }, META, NOW_MS)).toEqual({ sub: 'u1', iat: NOW_S, exp: NOW_S + 900, meta: META });
    expect(buildConnectionClaims({ userId: 'u1', ttlSeconds: 60, channels: ['public:a'], info: { n: 1 } }, META, NOW_MS)).toEqual({
      sub: 'u1',
      iat: NOW_S,
      exp: NOW_S + 60,
      channels: ['public:a'],
      info: { n: 1 },
      meta: META,
    });
  });

  it('keeps an empty channels list (the caller asked for it)', () => {
    expect(buildConnectionClaims({ userId: 'u1', channels: [] }, META, NOW_MS).channels).toEqual([]);
  });

  it('never puts a channel claim in a connection token (Centrifugo rejects such tokens)', () => {
    expect(buildConnectionClaims({ userId: 'u1' }, META, NOW_MS)).not.toHaveProperty('channel');
  });

  it('builds subscription claims with sub, channel, iat, exp and optional info', () => {
    expect(buildSubscriptionClaims({ userId: 'u1', channel: 'private:r' }, NOW_MS)).toEqual({
      sub: 'u1',
      channel: 'private:r',
      iat: NOW_S,
      exp: NOW_S + 900,
    });
    expect(buildSubscriptionClaims({ userId: 'u1', channel: 'private:r', ttlSeconds: 30, info: { a: 1 } }, NOW_MS)).toEqual({
      sub: 'u1',
      channel: 'private:r',
      iat: NOW_S,
      exp: NOW_S + 30,
      info: { a: 1 },
    });
  });

  it('reports the default ttl when none is given', () => {
    expect(effectiveTtl(undefined)).toBe(900);
    expect(effectiveTtl(45)).toBe(45);
  });
});
