import { Module } from '@nestjs/common';
import { RealtimeProxy } from './realtime-proxy';

@Module({ providers: [RealtimeProxy], exports: [RealtimeProxy] })
export class RealtimeProxyModule {}
