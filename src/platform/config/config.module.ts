import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { authConfig, databaseConfig, engineConfig, httpConfig, rateLimitConfig, sessionConfig, tokensConfig } from './app.config';

@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      ignoreEnvFile: true,
      load: [httpConfig, databaseConfig, engineConfig, authConfig, rateLimitConfig, tokensConfig, sessionConfig],
    }),
  ],
  exports: [ConfigModule],
})
export class AppConfigModule {}
