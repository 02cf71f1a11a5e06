import { Module } from '@nestjs/common';
import { AccessModule } from '../../domain/access/access.module';
import { SubscribeProxyController } from './subscribe-proxy.controller';
import { SubscribeProxyService } from './subscribe-proxy.service';

/** The engine's hooks: its subscribe proxy asks here before a client-side subscription. */
@Module({
  imports: [AccessModule],
  controllers: [SubscribeProxyController],
  providers: [SubscribeProxyService],
})
export class SubscribeProxyModule {}
