import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedProject } from './authenticated-project';

export const PROJECT_REQUEST_KEY = 'xshathraProject';

/** The project whose server key authenticated this request (set by ApiKeyGuard). */
export const CurrentProject = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedProject => context.switchToHttp().getRequest()[PROJECT_REQUEST_KEY],
);
