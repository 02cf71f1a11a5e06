import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SESSION_COOKIE } from '../../http/auth/console-session';

/** Where the OpenAPI UI and document are served (API_DOCS=true); the security headers give this path its own CSP. */
export const DOCS_PATH = 'api/docs';

export function setupOpenApi(app: NestExpressApplication): void {
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
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'An admin key (`xs_ak_…`), created with `npm run cli -- admin-keys create`.' },
        'admin-key',
      )
      .addCookieAuth(
        SESSION_COOKIE,
        {
          type: 'apiKey',
          in: 'cookie',
          description: "The console's session (POST /api/admin/session); changes need a same-origin request.",
        },
        'console-session',
      )
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}
