import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EngineModule } from '../engine/engine.module';
import { EngineHealthIndicator } from './engine.health';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), EngineModule],
  controllers: [HealthController],
  providers: [EngineHealthIndicator],
})
export class HealthModule {}
