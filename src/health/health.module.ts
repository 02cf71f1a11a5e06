import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EngineModule } from '../engine/engine.module';
import { ProjectsModule } from '../projects/projects.module';
import { ChannelOverlapsIndicator } from './channel-overlaps.health';
import { EngineHealthIndicator } from './engine.health';
import { HealthController } from './health.controller';
import { ShutdownDrain } from './shutdown-drain';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), EngineModule, ProjectsModule],
  controllers: [HealthController],
  providers: [EngineHealthIndicator, ChannelOverlapsIndicator, ShutdownDrain],
  exports: [ShutdownDrain],
})
export class HealthModule {}
