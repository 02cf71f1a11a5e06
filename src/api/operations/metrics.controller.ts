import { Controller, Get, Res } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { MetricsRoute } from '../../http/auth/route-access';

/** GET /metrics in Prometheus' text format, for a scraper with METRICS_TOKEN only (see AuthGuard). */
@MetricsRoute()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  override index(@Res({ passthrough: true }) response: Response) {
    return super.index(response);
  }
}
