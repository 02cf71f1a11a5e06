// Listed explicitly (not globbed) so that the same list works from TypeScript sources and compiled output.
import { CreateProjectsAndApiKeys1764288000000 } from './1764288000000-CreateProjectsAndApiKeys';

export const migrations = [CreateProjectsAndApiKeys1764288000000];
