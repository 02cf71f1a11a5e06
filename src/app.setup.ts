import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { StrictValidationPipe } from './common/validation';
import { RealtimeProxy } from './realtime-proxy/realtime-proxy';

/**
 * Everything main.ts does to an application before it listens, in one place so that e2e specs build
 * exactly the application users run.
 */
export function setupApp(app: NestExpressApplication): void {
  app.useLogger(app.get(Logger));
  // WebSocket upgrades never reach Express: the proxy takes them from the server's `upgrade` event.
  app.get(RealtimeProxy).attachTo(app.getHttpServer());
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  setupOpenApi(app);
}

function setupOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Xshathra Realtime')
      .setDescription('Mint connection and subscription JWTs for Centrifugo, and publish to channels, with a project server key.')
      .setVersion('1')
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Send `apikey <server key>` (or `Bearer <server key>`).' },
        'apikey',
      )
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
