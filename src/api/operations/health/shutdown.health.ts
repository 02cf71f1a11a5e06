import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ShutdownDrain } from '../../../http/shutdown-drain';

/** Readiness fails once a shutdown has begun, so that balancers stop sending before the server stops listening. */
@Injectable()
export class ShutdownHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly drain: ShutdownDrain,
  ) {}

  check(key: 'shutdown') {
    const indicator = this.indicators.check(key);
    return this.drain.draining ? indicator.down({ message: 'shutting down' }) : indicator.up();
  }
}
