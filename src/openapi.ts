import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { openApiDocument } from './api/operations/openapi';

/**
 * Prints the service's OpenAPI document (the one /api/docs-json serves) as JSON, without a database, an
 * engine or any configuration: Nest's preview mode reads the modules and controllers but creates no provider.
 * `npm run openapi` writes it to sdk/node/openapi.json and generates the SDK's types from it.
 */
export async function printOpenApiDocument(): Promise<void> {
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false, bodyParser: false });
  try {
    process.stdout.write(JSON.stringify(openApiDocument(app), null, 2) + '\n');
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  printOpenApiDocument().catch((error: unknown) => {
    process.stderr.write(`Could not build the OpenAPI document: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  });
}
