import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { ProjectPolicies } from '../tenancy/project-policies';
import { SubscribeProxyController } from './subscribe-proxy.controller';
import { SubscribeProxyService } from './subscribe-proxy.service';

@Module({
  imports: [ProjectsModule],
  controllers: [SubscribeProxyController],
  providers: [SubscribeProxyService, ProjectPolicies],
})
export class SubscribeProxyModule {}
