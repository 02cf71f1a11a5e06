import { parseAuthorizationHeader } from './authorization-header';

describe('parseAuthorizationHeader', () => {
  it.each([
    ['apikey xs_sk_1', 'xs_sk_1'],
    ['Bearer xs_sk_1', 'xs_sk_1'],
    ['APIKEY xs_sk_1', 'xs_sk_1'],
    ['bearer   xs_sk_1  ', 'xs_sk_1'],
  ])('reads the key from %p', (header, key) => {
    expect(parseAuthorizationHeader(header)).toBe(key);
  });

  it.each([undefined, '', 'xs_sk_1', 'apikey', 'Basic xs_sk_1', 'apikey a b', 'apikeyxs_sk_1'])('finds no key in %p', (header) => {
    expect(parseAuthorizationHeader(header)).toBeUndefined();
  });
});
