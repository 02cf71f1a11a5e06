import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { httpConfig, type HttpConfig } from '../platform/config/app.config';

/**
 * The first step of a graceful shutdown: on SIGTERM, readiness turns 503 and responses ask keep-alive
 * clients to close their connections, while the server still accepts for SHUTDOWN_DRAIN_MS, so that
 * balancers stop sending before it stops listening. (A listener that closes while clients still connect
 * resets the connections waiting to be accepted.) Requests in flight then finish before the process exits.
 */
@Injectable()
export class ShutdownDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownDrain.name);
  private isDraining = false;

  constructor(@Inject(httpConfig.KEY) private readonly config: HttpConfig) {}

  /** Whether the shutdown has begun (readiness then fails: see the health checks). */
  get draining(): boolean {
    return this.isDraining;
  }

  /** Express middleware: while draining, every response closes its connection. */
  readonly closeConnectionsWhileDraining = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.draining) response.setHeader('Connection', 'close');
    next();
  };

  async beforeApplicationShutdown(): Promise<void> {
    this.isDraining = true;
    if (this.config.shutdownDrainMs === 0) return;
    this.logger.log(`Shutting down: not ready, still serving for ${this.config.shutdownDrainMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, this.config.shutdownDrainMs));
  }
}
