import { Module } from '@nestjs/common';
import { EngineModule } from '../../platform/engine/engine.module';
import { ControlChannelProbe } from './control-channel-probe';
import { LiveConnections } from './live-connections';

/** A project's live connections on the engine: counted, listed and cut through its control channel. */
@Module({
  imports: [EngineModule],
  providers: [ControlChannelProbe, LiveConnections],
  exports: [ControlChannelProbe, LiveConnections],
})
export class LiveModule {}
