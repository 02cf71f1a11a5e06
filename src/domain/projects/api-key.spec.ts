import { createHash } from 'node:crypto';
import { generateApiKey, hashApiKey, isWellFormedKey } from './api-key';

describe('API keys', () => {
  it('generates prefixed keys with 32 random bytes in base64url', () => {
    const server = generateApiKey('server');
    const client = generateApiKey('client');
    expect(server.key).toMatch(/^xs_sk_[A-Za-z0-9_-]{43}$/);
    expect(client.key).toMatch(/^xs_pk_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey('admin').key).toMatch(/^xs_ak_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey('server').key).not.toBe(server.key);
  });

  it('keeps a 12-character display prefix and the SHA-256 hex of the whole key, never the key', () => {
    const { key, prefix, hash } = generateApiKey('server');
    expect(prefix).toBe(key.slice(0, 12));
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hash).toBe(hashApiKey(key));
    expect(hash).not.toContain(key.slice(6));
  });

  it('knows a well-formed key of each kind, so that anything else needs no lookup', () => {
    const server = generateApiKey('server').key;
    expect(isWellFormedKey(server, 'server')).toBe(true);
    expect(isWellFormedKey(server, 'client')).toBe(false);
    expect(isWellFormedKey(generateApiKey('client').key, 'client')).toBe(true);
    expect(isWellFormedKey(generateApiKey('admin').key, 'admin')).toBe(true);
    expect(isWellFormedKey(server, 'admin')).toBe(false);
    for (const key of ['xs_sk_short', `${server}x`, server.slice(0, -1) + '!', `XS_SK_${server.slice(6)}`, 'xs_ak_' + server.slice(6)]) {
      expect({ key, ok: isWellFormedKey(key, 'server') }).toEqual({ key, ok: false });
    }
  });
});
