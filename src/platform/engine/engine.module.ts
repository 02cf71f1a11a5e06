import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { EngineClient } from './engine.client';
import { TokenSigner } from './token-signer';

@Module({
  // The signing secret is passed per call: it may be absent (→ 503) and must never be baked into module options.
  imports: [JwtModule.register({})],
  providers: [EngineClient, TokenSigner],
  exports: [EngineClient, TokenSigner],
})
export class EngineModule {}
