import {
  BadGatewayException,
  GatewayTimeoutException,
  Inject,
  Injectable,
  OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Agent, request } from 'undici';
import { engineConfig, type EngineConfig } from '../config/app.config';
import { Metrics } from '../metrics/metrics';
import { engineFailure } from './engine-failure';

/** The engine API methods this service calls (Centrifugo v6 `POST /api/<method>`). */
export type EngineApiMethod = 'publish' | 'broadcast' | 'presence' | 'presence_stats' | 'history' | 'channels' | 'disconnect' | 'batch';

/** What the engine answered, byte for byte. */
export interface EngineResponse {
  status: number;
  contentType?: string;
  body: Buffer;
}

/** Kept-alive connections to the engine: enough for a burst of concurrent publishes without a handshake each. */
const MAX_ENGINE_CONNECTIONS = 128;

/**
 * The one place that talks HTTP to Centrifugo, with undici (Node's own HTTP client): every call has a
 * timeout and reuses kept-alive connections. Failures become HTTP exceptions here, so callers never see a
 * raw network error: unreachable → 502, too slow → 504, not configured → 503. Redirects are never followed
 * and no proxy from the environment applies.
 */
@Injectable()
export class EngineClient implements OnApplicationShutdown {
  private readonly dispatcher: Agent;

  constructor(
    private readonly metrics: Metrics,
    @Inject(engineConfig.KEY) private readonly config: EngineConfig,
  ) {
    const timeout = config.engineTimeoutMs;
    this.dispatcher = new Agent({
      connections: MAX_ENGINE_CONNECTIONS,
      connect: { timeout },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  }

  /** Whether the engine's API can be called at all (CENTRIFUGO_UPSTREAM_URL and CENTRIFUGO_API_KEY are set). */
  get configured(): boolean {
    return Boolean(this.config.engineApiUrl && this.config.engineApiKey);
  }

  /** Forwards a publish body unchanged to POST /api/publish and returns the engine's answer unchanged. */
  publish(rawBody: Buffer): Promise<EngineResponse> {
    return this.api('publish', rawBody);
  }

  /**
   * Calls one method of the engine's HTTP API (`POST /api/<method>`) with a body given as bytes (sent as they
   * are) or as an object (serialized here), and returns the engine's answer unchanged.
   */
  async api(method: EngineApiMethod, body: Buffer | object): Promise<EngineResponse> {
    const { engineApiUrl, engineApiKey } = this.config;
    if (!engineApiUrl || !engineApiKey) {
      const what = method === 'publish' ? 'Publishing' : "The realtime engine's API";
      throw new ServiceUnavailableException(`${what} is not configured: set CENTRIFUGO_UPSTREAM_URL and CENTRIFUGO_API_KEY.`);
    }
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const response = await this.call(method, `${engineApiUrl}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': engineApiKey },
      body: payload,
    });
    if (response.status === 401) {
      // The caller's key was fine; ours was not. Passing the 401 on would blame the caller.
      throw new BadGatewayException("The realtime engine refused this service's API key; check CENTRIFUGO_API_KEY.");
    }
    return response;
  }

  /** Resolves when the engine's /health answers 200; throws the mapped exception otherwise. */
  async checkHealth(): Promise<void> {
    const { engineApiUrl } = this.config;
    if (!engineApiUrl) throw new ServiceUnavailableException('The realtime engine is not configured: set CENTRIFUGO_UPSTREAM_URL.');
    const response = await this.call('health', `${engineApiUrl}/health`, { method: 'GET' });
    if (response.status !== 200) throw new BadGatewayException(`The realtime engine's health check answered ${response.status}.`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }

  /** One engine call, its whole answer read, timed and counted by outcome (see Metrics). */
  private async call(
    operation: EngineApiMethod | 'health',
    url: string,
    options: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Buffer },
  ): Promise<EngineResponse> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const answer = await request(url, { ...options, dispatcher: this.dispatcher });
      const body = Buffer.from(await answer.body.arrayBuffer());
      this.metrics.engineCall(operation, answer.statusCode === 401 ? 'refused_api_key' : 'ok', seconds());
      const contentType = answer.headers['content-type'];
      return { status: answer.statusCode, contentType: Array.isArray(contentType) ? contentType[0] : contentType, body };
    } catch (error) {
      const exception = engineFailure(error, this.config.engineTimeoutMs);
      this.metrics.engineCall(operation, exception instanceof GatewayTimeoutException ? 'timeout' : 'unreachable', seconds());
      throw exception;
    }
  }
}
