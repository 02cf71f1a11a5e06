import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EngineRoute } from '../../http/auth/route-access';
import { SubscribeProxyService, type SubscribeProxyReply } from './subscribe-proxy.service';

/**
 * Centrifugo's subscribe proxy (channel.proxy.subscribe in deploy/centrifugo/config.json): the engine asks
 * here before a client subscribes with only its connection token. Only the engine may call it (its static
 * X-Xshathra-Proxy-Secret header); it is not part of the public API, and /realtime never forwards to it.
 */
@EngineRoute()
@Controller('internal/centrifugo')
export class SubscribeProxyController {
  constructor(private readonly subscribeProxy: SubscribeProxyService) {}

  @Post('subscribe')
  @HttpCode(200)
  subscribe(@Body() request: unknown): Promise<SubscribeProxyReply> {
    return this.subscribeProxy.decide(request);
  }
}
