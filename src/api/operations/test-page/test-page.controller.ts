import { dirname, join } from 'node:path';
import { Controller, Get, Inject, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicRoute } from '../../../http/auth/route-access';
import { projectRoot } from '../../../platform/project-root';
import { httpConfig, type HttpConfig } from '../../../platform/config/app.config';

const PUBLIC = join(projectRoot(), 'public');
// The browser bundle of centrifuge-js, served by the app itself so the page works offline (no CDN).
const CENTRIFUGE_BUNDLE = join(dirname(require.resolve('centrifuge')), '..', 'dist', 'centrifuge.js');

/**
 * The local test page: on by default in development, off in production unless SOCKET_TEST_PAGE=true.
 * When off, its paths answer the same 404 as any unknown route.
 */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class TestPageController {
  constructor(@Inject(httpConfig.KEY) private readonly config: HttpConfig) {}

  // The page, its style and its script are separate files so that it runs under the strict CSP (see app.setup).
  @Get('socket-auth-test.html')
  page(@Res() response: Response): void {
    this.send(response, join(PUBLIC, 'socket-auth-test.html'), 'GET /socket-auth-test.html');
  }

  @Get('socket-auth-test.css')
  style(@Res() response: Response): void {
    this.send(response, join(PUBLIC, 'socket-auth-test.css'), 'GET /socket-auth-test.css');
  }

  @Get('socket-auth-test.js')
  script(@Res() response: Response): void {
    this.send(response, join(PUBLIC, 'socket-auth-test.js'), 'GET /socket-auth-test.js');
  }

  @Get('vendor/centrifuge.js')
  centrifuge(@Res() response: Response): void {
    this.send(response, CENTRIFUGE_BUNDLE, 'GET /vendor/centrifuge.js');
  }

  private send(response: Response, file: string, route: string): void {
    if (!this.config.socketTestPage) throw new NotFoundException(`No route for ${route}.`);
    response.sendFile(file);
  }
}
