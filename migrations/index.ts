// Listed explicitly (not globbed) so that the same list works from TypeScript sources and compiled output.
import { CreateProjectsAndApiKeys1764288000000 } from './1764288000000-CreateProjectsAndApiKeys';
import { AddProjectChannelPatterns1795000000000 } from './1795000000000-AddProjectChannelPatterns';
import { AddProjectRateLimit1795100000000 } from './1795100000000-AddProjectRateLimit';
import { AddAdminKeysAndAuditLog1795200000000 } from './1795200000000-AddAdminKeysAndAuditLog';
import { AddProjectUnrestricted1795300000000 } from './1795300000000-AddProjectUnrestricted';
import { AddAdminSessions1795400000000 } from './1795400000000-AddAdminSessions';

export const migrations = [
  CreateProjectsAndApiKeys1764288000000,
  AddProjectChannelPatterns1795000000000,
  AddProjectRateLimit1795100000000,
  AddAdminKeysAndAuditLog1795200000000,
  AddProjectUnrestricted1795300000000,
  AddAdminSessions1795400000000,
];
