import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'xshathra:isPublic';

/** Marks a controller or handler as reachable without an API key. Everything else requires one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
