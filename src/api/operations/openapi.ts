import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SERVER_KEY_SCHEME } from '../../http/auth/route-access';

/** Where the OpenAPI UI and document are served (API_DOCS=true); the security headers give this path its own CSP. */
export const DOCS_PATH = 'api/docs';

export function setupOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Xshathra Realtime')
      .setDescription('Mint connection and subscription JWTs for Centrifugo, and publish to channels, with a project server key.')
      .setVersion('1')
      // HTTP bearer, so that Swagger UI's Authorize box takes the bare key and sends `Bearer <key>`; the
      // guard accepts `apikey <key>` just the same.
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description: 'A project server key (`xs_sk_…`): paste the bare key. Requests send `Bearer <key>` (or `apikey <key>`).',
        },
        SERVER_KEY_SCHEME,
      )
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'An admin key (`xs_ak_…`), created with `npm run cli -- admin-keys create`.' },
        'admin-key',
      )
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}
