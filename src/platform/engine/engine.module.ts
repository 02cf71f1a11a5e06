import { Module } from '@nestjs/common';
import { EngineClient } from './engine.client';
import { TokenSigner } from './token-signer';

@Module({
  providers: [EngineClient, TokenSigner],
  exports: [EngineClient, TokenSigner],
})
export class EngineModule {}
