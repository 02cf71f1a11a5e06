import { AdminKey } from './admin-keys/admin-key.entity';
import { AdminSession } from './admin-keys/admin-session.entity';
import { AuditEntry } from './audit/audit-entry.entity';
import { ApiKey } from './projects/api-key.entity';
import { Project } from './projects/project.entity';

/** Every table the service maps, handed to the database layer by the application (which knows the features). */
export const ENTITIES = [Project, ApiKey, AdminKey, AdminSession, AuditEntry];
