import { Module } from '@nestjs/common';
import { EngineModule } from '../../platform/engine/engine.module';
import { ConnectionsController } from './connections/connections.controller';
import { ChannelsController } from './engine-api/engine-api.controller';
import { EngineApiService } from './engine-api/engine-api.service';
import { PublishController } from './engine-api/publish.controller';
import { ProjectsModule } from '../../domain/projects/projects.module';
import { ProjectController } from './project/project.controller';
import { TokensController } from './tokens/tokens.controller';
import { TokensService } from './tokens/tokens.service';

/** /api/realtime: what a backend calls with a project's server key. */
@Module({
  // ProjectsModule brings LiveModule (the live connections) with it.
  imports: [EngineModule, ProjectsModule],
  controllers: [TokensController, PublishController, ChannelsController, ConnectionsController, ProjectController],
  providers: [TokensService, EngineApiService],
})
export class ServerApiModule {}
