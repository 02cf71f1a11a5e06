import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { PublicRoute } from '../../../http/auth/route-access';
import { ChannelOverlapsIndicator } from './channel-overlaps.health';
import { EngineHealthIndicator } from './engine.health';
import { LiveConnectionsIndicator } from './live-connections.health';
import { ShutdownHealthIndicator } from './shutdown.health';

const DATABASE_PING_TIMEOUT_MS = 1500;

/** Kubernetes probes and a dashboard check. Public: probes carry no API key. */
@ApiTags('health')
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly engine: EngineHealthIndicator,
    private readonly channelOverlaps: ChannelOverlapsIndicator,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly liveConnections: LiveConnectionsIndicator,
  ) {}

  /** Liveness: the process answers. Checks nothing else, so a database outage never restarts pods. */
  @Get('live')
  @HealthCheck()
  @ApiOkResponse({ description: '`{"status":"ok","info":{},"error":{},"details":{}}`' })
  live(@Res({ passthrough: true }) response: Response) {
    return this.run(response, []);
  }

  /** Readiness: the database answers a ping in time, and no shutdown has begun. Overlapping channel patterns are reported, never fatal. */
  @Get('ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'The database did not answer; Terminus JSON with `status: "error"`.' })
  ready(@Res({ passthrough: true }) response: Response) {
    return this.run(response, [
      () => this.database.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS),
      () => this.shutdown.check('shutdown'),
      () => this.channelOverlaps.check('channelPatterns'),
      () => this.liveConnections.check('liveConnections'),
    ]);
  }

  /** Everything the service depends on: the database and the engine. */
  @Get()
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'The database or the engine is down; Terminus JSON with `status: "error"`.' })
  all(@Res({ passthrough: true }) response: Response) {
    return this.run(response, [
      () => this.database.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS),
      () => this.engine.check('engine'),
    ]);
  }

  /**
   * Terminus reports a failed check as a 503 exception carrying its JSON; answer that JSON as is
   * rather than through the error filter, so probes and dashboards get the standard Terminus shape.
   */
  private async run(response: Response, checks: Parameters<HealthCheckService['check']>[0]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
