import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedProject, AuthenticatedRequest } from './authenticated-request';

/** The project whose server key authenticated this request. Only on `server-key` routes (the default). */
export const CurrentProject = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedProject => {
  const { caller } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (caller?.kind !== 'project') throw new Error('@CurrentProject() used on a route that is not callable by a server key');
  return caller.project;
});
