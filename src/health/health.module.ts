import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EngineModule } from '../engine/engine.module';
import { EngineHealthIndicator } from './engine.health';
import { HealthController } from './health.controller';
import { ShutdownDrain } from './shutdown-drain';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), EngineModule],
  controllers: [HealthController],
  providers: [EngineHealthIndicator, ShutdownDrain],
  exports: [ShutdownDrain],
})
export class HealthModule {}
