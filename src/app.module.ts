import { Module } from '@nestjs/common';
import { AdminModule } from './api/admin/admin.module';
import { SubscribeProxyModule } from './api/engine-hooks/subscribe-proxy.module';
import { ConsoleModule } from './api/operations/console/console.module';
import { HealthModule } from './api/operations/health/health.module';
import { MetricsEndpointModule } from './api/operations/metrics-endpoint.module';
import { TestPageModule } from './api/operations/test-page/test-page.module';
import { ServerApiModule } from './api/server/server-api.module';
import { HttpPipelineModule } from './app.setup';
import { ENTITIES } from './domain/entities';
import { ProjectsModule } from './domain/projects/projects.module';
import { CommonModule } from './platform/clock.module';
import { AppConfigModule } from './platform/config/config.module';
import { DatabaseModule } from './platform/database/database.module';
import { MetricsModule } from './platform/metrics/metrics.module';

/** The application: the platform at the bottom, the domain, the HTTP pipeline, and the APIs by caller. */
@Module({
  imports: [
    AppConfigModule,
    CommonModule,
    MetricsModule,
    DatabaseModule.forRoot(ENTITIES),
    ProjectsModule,
    HttpPipelineModule,
    ServerApiModule,
    SubscribeProxyModule,
    AdminModule,
    HealthModule,
    MetricsEndpointModule,
    TestPageModule,
    ConsoleModule,
  ],
})
export class AppModule {}
