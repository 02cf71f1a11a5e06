import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { ChannelsModule } from './channels/channels.module';
import { CommonModule } from './common/common.module';
import { JsonBodyMiddleware } from './common/json-body.middleware';
import { loggerParams } from './common/logging';
import { httpConfig, type HttpConfig } from './config/app.config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ENTITIES } from './entities';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProjectsModule } from './projects/projects.module';
import { PublishModule } from './publish/publish.module';
import { RealtimeProxyMiddleware } from './realtime-proxy/realtime-proxy.middleware';
import { RealtimeProxyModule } from './realtime-proxy/realtime-proxy.module';
import { SubscribeProxyModule } from './subscribe-proxy/subscribe-proxy.module';
import { TestPageModule } from './test-page/test-page.module';
import { TokensModule } from './tokens/tokens.module';

@Module({
  imports: [
    AppConfigModule,
    CommonModule,
    MetricsModule,
    LoggerModule.forRootAsync({ inject: [httpConfig.KEY], useFactory: (config: HttpConfig) => loggerParams(config) }),
    DatabaseModule.forRoot(ENTITIES),
    ProjectsModule,
    AuthModule,
    TokensModule,
    PublishModule,
    ChannelsModule,
    SubscribeProxyModule,
    AdminModule,
    HealthModule,
    RealtimeProxyModule,
    TestPageModule,
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // After the request logger (LoggerModule), the /realtime proxy first, so that the body parser never
    // consumes a body meant for the engine.
    consumer.apply(RealtimeProxyMiddleware, JsonBodyMiddleware).forRoutes('*path');
  }
}
