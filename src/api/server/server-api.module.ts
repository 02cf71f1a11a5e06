import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
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
  // The signing secret is passed per call: it may be absent (→ 503) and must never be baked into module options.
  // ProjectsModule brings LiveModule (the live connections) with it.
  imports: [JwtModule.register({}), EngineModule, ProjectsModule],
  controllers: [TokensController, PublishController, ChannelsController, ConnectionsController, ProjectController],
  providers: [TokensService, EngineApiService],
})
export class ServerApiModule {}
