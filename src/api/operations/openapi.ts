import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ENGINE_REPLY_SCHEMAS } from '../../platform/engine/engine-replies.schema';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { SERVER_KEY_SCHEME } from '../../http/auth/route-access';
import { SESSION_COOKIE } from '../../http/auth/console-session';

/** Where the OpenAPI UI and document are served (API_DOCS=true); the security headers give this path its own CSP. */
export const DOCS_PATH = 'api/docs';

/**
 * The service's OpenAPI document, from the controllers' decorators. The same document is served at
 * /api/docs-json and written to sdk/node/openapi.json, from which the Node SDK's types are generated.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
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
  // The engine's answers, which the channel routes relay, are plain schemas (not DTO classes): added here.
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...ENGINE_REPLY_SCHEMAS } };
  return document;
}

export function setupOpenApi(app: NestExpressApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, openApiDocument(app), { jsonDocumentUrl: `${DOCS_PATH}-json` });
}
