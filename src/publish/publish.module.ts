import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { PublishController } from './publish.controller';

@Module({ imports: [EngineModule], controllers: [PublishController] })
export class PublishModule {}
