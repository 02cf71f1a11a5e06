import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EngineClient } from '../../../platform/engine/engine.client';

/** The engine is up when its /health answers 200 (EngineClient bounds the call with its timeout). */
@Injectable()
export class EngineHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly engine: EngineClient,
  ) {}

  check(key: 'engine') {
    return this.indicators.check(key).attempt(() => this.engine.checkHealth());
  }
}
