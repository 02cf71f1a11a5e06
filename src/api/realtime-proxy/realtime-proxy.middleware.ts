import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RealtimeProxy } from './realtime-proxy';

/** Hands /realtime requests to the proxy; everything else continues to the routes. */
@Injectable()
export class RealtimeProxyMiddleware implements NestMiddleware {
  constructor(private readonly proxy: RealtimeProxy) {}

  use(request: Request, response: Response, next: NextFunction): void {
    this.proxy.handleRequest(request, response, next);
  }
}
