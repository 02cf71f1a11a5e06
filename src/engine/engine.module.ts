import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { engineConfig, type EngineConfig } from '../config/app.config';
import { EngineClient } from './engine.client';

@Module({
  imports: [
    HttpModule.registerAsync({
      inject: [engineConfig.KEY],
      useFactory: (config: EngineConfig) => ({
        timeout: config.engineTimeoutMs,
        // Reuse connections to the engine instead of a TCP (and TLS) handshake per publish.
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 128 }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 128 }),
        maxRedirects: 0,
        proxy: false,
      }),
    }),
  ],
  providers: [EngineClient],
  exports: [EngineClient],
})
export class EngineModule {}
