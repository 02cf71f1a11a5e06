import { HttpService } from '@nestjs/axios';
import { BadGatewayException, GatewayTimeoutException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { AxiosResponse } from 'axios';
import { firstValueFrom, type Observable } from 'rxjs';
import { engineConfig, type EngineConfig } from '../config/app.config';
import { Metrics } from '../metrics/metrics';
import { engineFailure } from './engine-failure';

/** The engine API methods this service calls (Centrifugo v6 `POST /api/<method>`). */
export type EngineApiMethod = 'publish' | 'broadcast' | 'presence' | 'presence_stats' | 'history' | 'channels';

/** What the engine answered, byte for byte. */
export interface EngineResponse {
  status: number;
  contentType?: string;
  body: Buffer;
}

/**
 * The one place that talks HTTP to Centrifugo. Every call has a timeout and shares a keep-alive agent
 * (see EngineModule). Failures become HTTP exceptions here, so callers never see a raw network error:
 * unreachable → 502, too slow → 504, not configured → 503.
 */
@Injectable()
export class EngineClient {
  constructor(
    private readonly http: HttpService,
    private readonly metrics: Metrics,
    @Inject(engineConfig.KEY) private readonly config: EngineConfig,
  ) {}

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
    const response = await this.call(method, () =>
      this.http.post<Buffer>(`${engineApiUrl}/api/${method}`, payload, {
        headers: { 'Content-Type': 'application/json', 'X-API-Key': engineApiKey },
        responseType: 'arraybuffer',
        validateStatus: () => true,
      }),
    );
    if (response.status === 401) {
      // The caller's key was fine; ours was not. Passing the 401 on would blame the caller.
      throw new BadGatewayException("The realtime engine refused this service's API key; check CENTRIFUGO_API_KEY.");
    }
    return {
      status: response.status,
      contentType: response.headers['content-type'] as string | undefined,
      body: Buffer.from(response.data ?? []),
    };
  }

  /** Resolves when the engine's /health answers 200; throws the mapped exception otherwise. */
  async checkHealth(): Promise<void> {
    const { engineApiUrl } = this.config;
    if (!engineApiUrl) throw new ServiceUnavailableException('The realtime engine is not configured: set CENTRIFUGO_UPSTREAM_URL.');
    const response = await this.call('health', () => this.http.get(`${engineApiUrl}/health`, { validateStatus: () => true }));
    if (response.status !== 200) throw new BadGatewayException(`The realtime engine's health check answered ${response.status}.`);
  }

  /** One engine call, timed and counted by outcome (see Metrics). */
  private async call<T>(operation: EngineApiMethod | 'health', request: () => Observable<AxiosResponse<T>>): Promise<AxiosResponse<T>> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const response = await firstValueFrom(request());
      this.metrics.engineCall(operation, response.status === 401 ? 'refused_api_key' : 'ok', seconds());
      return response;
    } catch (error) {
      const exception = engineFailure(error, this.config.engineTimeoutMs);
      this.metrics.engineCall(operation, exception instanceof GatewayTimeoutException ? 'timeout' : 'unreachable', seconds());
      throw exception;
    }
  }
}
