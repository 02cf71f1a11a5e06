import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { JsonBodyMiddleware } from './common/json-body.middleware';
import { loggerParams } from './common/logging';
import { appConfig, type AppConfig } from './config/app.config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ProjectsModule } from './projects/projects.module';
import { TokensModule } from './tokens/tokens.module';

@Module({
  imports: [
    AppConfigModule,
    CommonModule,
    LoggerModule.forRootAsync({ inject: [appConfig.KEY], useFactory: (config: AppConfig) => loggerParams(config) }),
    DatabaseModule,
    ProjectsModule,
    AuthModule,
    TokensModule,
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes('*path');
  }
}
