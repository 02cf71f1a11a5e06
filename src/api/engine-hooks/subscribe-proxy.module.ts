import { Module } from '@nestjs/common';
import { AccessModule } from '../../domain/access/access.module';
import { LiveModule } from '../../domain/live/live.module';
import { SubscribeProxyController } from './subscribe-proxy.controller';
import { SubscribeProxyService } from './subscribe-proxy.service';

/** The engine's hooks: its subscribe proxy asks here before a client-side subscription (seen in the debug feed). */
@Module({
  imports: [AccessModule, LiveModule],
  controllers: [SubscribeProxyController],
  providers: [SubscribeProxyService],
})
export class SubscribeProxyModule {}
