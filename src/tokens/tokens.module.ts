import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  // The secret is passed per call: it may be absent (→ 503) and must never be baked into module options.
  imports: [JwtModule.register({})],
  controllers: [TokensController],
  providers: [TokensService],
})
export class TokensModule {}
