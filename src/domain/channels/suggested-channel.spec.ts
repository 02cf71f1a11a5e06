import { ChannelPolicy } from './channel-policy';
import { suggestedClientChannel } from './suggested-channel';

describe('the suggested client channel', () => {
  it.each([
    [['*:acme.*'], 'public:acme.lobby'],
    [['*:*', '*'], 'public:lobby'],
    [['private:acme.*', 'pub*:acme-*'], 'public:acme-lobby'],
    [['public:acme.orders'], 'public:acme.orders'],
    [['private:acme.*', 'acme'], undefined],
  ])('for %j is %s', (patterns, channel) => {
    expect(suggestedClientChannel(new ChannelPolicy(patterns))).toBe(channel);
  });
});
