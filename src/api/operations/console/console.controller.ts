import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, NotFoundException, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PublicRoute } from '../../../http/auth/route-access';
import { projectRoot } from '../../../platform/project-root';

/** Where `vite build --config console/vite.config.ts` writes the console (beside the compiled server). */
export const CONSOLE_DIR = join(projectRoot(), 'dist', 'console');
const ASSET = /^assets\/[\w.-]+\.(js|css|svg|png|ico|woff2)$/;

/**
 * The console: a single-page app served by the service itself, from its own origin, under the strict CSP
 * (Vite emits external scripts and styles only). Hashed assets are cached for good; every other path under
 * /console is the app's own route and gets index.html, never cached. It reads nothing itself: it calls the
 * admin API like any client, with the session cookie.
 */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class ConsoleController {
  /** A browser asking for the root lands on the console; an API client keeps the JSON 404 of any unknown route. */
  @Get()
  root(@Req() request: Request, @Res() response: Response): void {
    if (!request.get('accept')?.includes('text/html')) throw new NotFoundException('Cannot GET /');
    response.redirect(302, '/console/');
  }

  // `console` matches /console and /console/ (Express routes are not strict about a trailing slash).
  @Get(['console', 'console/*path'])
  page(@Req() request: Request, @Res() response: Response): void {
    if (request.path === '/console') return response.redirect(301, '/console/');
    const path = request.path.slice('/console/'.length);
    if (ASSET.test(path) && existsSync(join(CONSOLE_DIR, path))) {
      return response.sendFile(path, { root: CONSOLE_DIR, immutable: true, maxAge: '365d' });
    }
    if (path.startsWith('assets/')) throw new NotFoundException(`Cannot GET ${request.path}`);
    if (!existsSync(join(CONSOLE_DIR, 'index.html')))
      throw new ServiceUnavailableException('The console is not built: run `npm run build`.');
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile('index.html', { root: CONSOLE_DIR });
  }
}
