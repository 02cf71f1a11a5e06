import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { authConfig, databaseConfig, engineConfig, httpConfig, rateLimitConfig, tokensConfig } from './app.config';

@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      ignoreEnvFile: true,
      load: [httpConfig, databaseConfig, engineConfig, authConfig, rateLimitConfig, tokensConfig],
    }),
  ],
  exports: [ConfigModule],
})
export class AppConfigModule {}
