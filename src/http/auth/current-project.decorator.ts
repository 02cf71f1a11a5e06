import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Actor } from '../../domain/audit/actor';
import type { AuthenticatedRequest } from '../authenticated-request';
import type { AuthenticatedProject } from '../../domain/access/key-check';

/** The project whose server key authenticated this request. Only on `server-key` routes (the default). */
export const CurrentProject = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedProject => {
  const { caller } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (caller?.kind !== 'project') throw new Error('@CurrentProject() used on a route that is not callable by a server key');
  return caller.project;
});

/** The admin key behind this request, as the audit log's actor. Only on `admin` routes. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const { caller } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (caller?.kind !== 'admin') throw new Error('@CurrentActor() used on a route that is not callable by an admin key');
  return { kind: 'admin-key', adminKeyId: caller.adminKeyId };
});
