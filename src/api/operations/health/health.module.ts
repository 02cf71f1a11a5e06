import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EngineModule } from '../../../platform/engine/engine.module';
import { ProjectsModule } from '../../../domain/projects/projects.module';
import { ChannelOverlapsIndicator } from './channel-overlaps.health';
import { EngineHealthIndicator } from './engine.health';
import { HealthController } from './health.controller';
import { LiveConnectionsIndicator } from './live-connections.health';
import { ShutdownHealthIndicator } from './shutdown.health';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), EngineModule, ProjectsModule],
  controllers: [HealthController],
  providers: [EngineHealthIndicator, ChannelOverlapsIndicator, ShutdownHealthIndicator, LiveConnectionsIndicator],
})
export class HealthModule {}
