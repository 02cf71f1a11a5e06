import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EngineClient } from '../../platform/engine/engine.client';
import { controlChannel, RESERVED_NAMESPACE } from '../channels/control-channel';

/** How often the engine is asked again (it may be restarted with another configuration). */
const PROBE_INTERVAL_MS = 30_000;
/** A project id no project has: the probe only asks whether the namespace exists with presence on. */
const PROBE_CHANNEL = controlChannel('00000000-0000-4000-8000-000000000000');

export type ControlChannelState = 'available' | 'missing' | 'unknown';

/**
 * Whether the engine has the reserved namespace with presence on: the engine's own configuration, which an
 * operator may have written without it. The server asks at start and every 30 s after (watch()); a one-off
 * process such as the CLI asks only when it needs the answer. Until the answer is "available",
 * tokens are minted without the control channel (connecting never depends on it) and live-connection calls
 * answer 503 saying why. A missing namespace is logged once per change of state, and shown by readiness.
 */
@Injectable()
export class ControlChannelProbe implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveConnections');
  private current: ControlChannelState = 'unknown';
  private timer?: NodeJS.Timeout;

  constructor(private readonly engine: EngineClient) {}

  get state(): ControlChannelState {
    return this.current;
  }

  get available(): boolean {
    return this.current === 'available';
  }

  /** Asks now and every 30 s from now on (once per process). */
  watch(): void {
    if (this.timer) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), PROBE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Asks the engine now; a failure to reach it leaves the state as it was ("unknown" at first). */
  async check(): Promise<ControlChannelState> {
    try {
      const answer = await this.engine.api('presence_stats', { channel: PROBE_CHANNEL });
      const parsed = JSON.parse(answer.body.toString('utf8')) as { result?: unknown; error?: { code: number } };
      if (answer.status === 200 && parsed.result) this.set('available');
      else if (answer.status === 200 && parsed.error) this.set('missing');
    } catch {
      // Engine not configured or unreachable: nothing learnt.
    }
    return this.current;
  }

  /** An engine call found the namespace gone (the engine was restarted with another configuration). */
  markMissing(): void {
    this.set('missing');
  }

  /** Whether there is an engine to ask at all (the CLI, for one, often has none configured). */
  get engineConfigured(): boolean {
    return this.engine.configured;
  }

  /** Why `what` (a feature riding on the reserved namespace) cannot work now, as one sentence. */
  unavailableMessage(what = 'Live connections are'): string {
    if (!this.engine.configured)
      return `${what} unavailable: the realtime engine is not configured (set CENTRIFUGO_UPSTREAM_URL and CENTRIFUGO_API_KEY).`;
    return this.current === 'missing'
      ? `${what} unavailable: the realtime engine has no "${RESERVED_NAMESPACE}" namespace with presence on (see the engine configuration in docs).`
      : `${what} unavailable until the realtime engine answers; retry shortly.`;
  }

  private set(state: ControlChannelState): void {
    if (state === this.current) return;
    this.current = state;
    if (state === 'missing') this.logger.warn(this.unavailableMessage() + ' Tokens are minted without the control channel.');
    else this.logger.log(`The engine's "${RESERVED_NAMESPACE}" namespace is there: live connections are counted and can be cut.`);
  }
}
