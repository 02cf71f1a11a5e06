import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';

/** The engine's channel API, scoped to the calling project. */
@Module({ imports: [EngineModule], controllers: [ChannelsController], providers: [ChannelsService] })
export class ChannelsModule {}
