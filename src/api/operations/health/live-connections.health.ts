import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ControlChannelProbe } from '../../../domain/live/control-channel-probe';

/**
 * Reports whether live connections can be counted and cut (the engine has the `xshathra` namespace). Always
 * "up": without it, connecting still works and only the live-connection routes answer 503.
 */
@Injectable()
export class LiveConnectionsIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly probe: ControlChannelProbe,
  ) {}

  check(key: 'liveConnections') {
    const indicator = this.indicators.check(key);
    const { state } = this.probe;
    return indicator.up(
      state === 'available' ? { namespace: 'available' } : { namespace: state, message: this.probe.unavailableMessage() },
    );
  }
}
