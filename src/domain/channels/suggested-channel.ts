import { ChannelPolicy, splitChannel } from './channel-policy';

/**
 * The engine namespace in which a connection token alone may subscribe (the engine asks the subscribe proxy);
 * `private:` channels need a subscription token. See deploy/centrifugo/config.json, which dev and tests run too.
 */
export const CLIENT_SUBSCRIBE_NAMESPACE = 'public';
/** What stands in for a pattern's `*` in the suggestion: `*:acme.*` → `public:acme.lobby`. */
const EXAMPLE_NAME = 'lobby';

/**
 * A channel of this policy that a client can subscribe to with its connection token alone: what the example
 * client and the test page use for a project they know nothing else about. undefined when the policy has none.
 */
export function suggestedClientChannel(policy: ChannelPolicy): string | undefined {
  for (const pattern of policy.patterns) {
    const { namespace, name } = splitChannel(pattern);
    if (namespace === undefined) continue;
    const candidate = `${CLIENT_SUBSCRIBE_NAMESPACE}:${name.replaceAll('*', EXAMPLE_NAME)}`;
    if (policy.allows(candidate)) return candidate;
  }
  return undefined;
}
