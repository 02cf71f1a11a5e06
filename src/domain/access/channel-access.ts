import { ForbiddenException } from '@nestjs/common';
import type { AuthenticatedProject } from './key-check';

/**
 * The enforcement point for every endpoint that names channels on a project's behalf: all of them must be
 * inside the project's policy, or the request is refused with 403 before anything is signed or forwarded.
 */
export function assertChannelsAllowed(project: AuthenticatedProject, channels: Iterable<string>): void {
  const denied = project.channels.firstDenied(channels);
  if (denied !== undefined) {
    throw new ForbiddenException(`Channel ${JSON.stringify(denied)} is not allowed for project ${JSON.stringify(project.projectSlug)}.`);
  }
}
