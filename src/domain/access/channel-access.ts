import { ForbiddenException } from '@nestjs/common';
import { isReservedChannel, RESERVED_NAMESPACE } from '../channels/control-channel';
import type { AuthenticatedProject } from './key-check';

/**
 * The enforcement point for every endpoint that names channels on a project's behalf: all of them must be
 * inside the project's policy, or the request is refused with 403 before anything is signed or forwarded.
 * The service's own namespace is refused for every project, unrestricted ones included (the policy never
 * allows it either; the message here says why).
 */
export function assertChannelsAllowed(project: AuthenticatedProject, channels: Iterable<string>): void {
  const denied = project.channels.firstDenied(channels);
  if (denied === undefined) return;
  if (isReservedChannel(denied))
    throw new ForbiddenException(
      `Channel ${JSON.stringify(denied)} is in the namespace "${RESERVED_NAMESPACE}", which is reserved for the service.`,
    );
  throw new ForbiddenException(`Channel ${JSON.stringify(denied)} is not allowed for project ${JSON.stringify(project.projectSlug)}.`);
}
