import { Module } from '@nestjs/common';
import { AdminKeysModule } from '../admin-keys/admin-keys.module';
import { ProjectsModule } from '../projects/projects.module';
import { AccessCaches } from './access-caches';
import { AdminKeyAuthenticator } from './admin-key.authenticator';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ConnectionPolicies } from './connection-policies';

/**
 * The one owner of cached lookups: server key → project and policy (ApiKeyAuthenticator), admin key
 * (AdminKeyAuthenticator), connection → policy (ConnectionPolicies, for the engine's subscribe hook). All three
 * are built by AccessCaches on the change feed, with one stale-if-error rule and one "store unavailable" error.
 */
@Module({
  imports: [ProjectsModule, AdminKeysModule],
  providers: [AccessCaches, ApiKeyAuthenticator, AdminKeyAuthenticator, ConnectionPolicies],
  exports: [ApiKeyAuthenticator, AdminKeyAuthenticator, ConnectionPolicies, AdminKeysModule],
})
export class AccessModule {}
