import type { AuthenticatedProject } from '../../src/domain/access/key-check';
import { ChannelPolicy } from '../../src/domain/channels/channel-policy';

/** A project as the guard hands it to handlers, for specs that stub the key check (`acme`, its default patterns). */
export const ACME_PROJECT: AuthenticatedProject = {
  projectId: 'p-1',
  projectSlug: 'acme',
  keyId: 'k-1',
  channels: new ChannelPolicy(['*:acme.*']),
  rateLimitPerMinute: null,
};
