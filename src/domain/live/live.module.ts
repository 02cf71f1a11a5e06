import { Module } from '@nestjs/common';
import { EngineModule } from '../../platform/engine/engine.module';
import { ControlChannelProbe } from './control-channel-probe';
import { DebugFeed } from './debug-feed';
import { LiveConnections } from './live-connections';

/**
 * A project's live connections on the engine: counted, listed and cut through its control channel; and its
 * debug feed, carried over the engine while a console watches.
 */
@Module({
  imports: [EngineModule],
  providers: [ControlChannelProbe, LiveConnections, DebugFeed],
  exports: [ControlChannelProbe, LiveConnections, DebugFeed],
})
export class LiveModule {}
