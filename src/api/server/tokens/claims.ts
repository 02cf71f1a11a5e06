import type { ConnectionMeta } from '../../../domain/channels/connection-meta';
import { DEFAULT_TTL_SECONDS } from './dto/token-fields';

/** The JWT claim sets Centrifugo v6 reads. Times are in seconds since the epoch, as JWT requires. */

export interface ConnectionClaims {
  sub: string;
  iat: number;
  exp: number;
  channels?: string[];
  info?: Record<string, unknown>;
  /** Server-side only: which project and key the connection belongs to (read by the subscribe proxy). */
  meta: ConnectionMeta;
}

export interface SubscriptionClaims {
  sub: string;
  channel: string;
  iat: number;
  exp: number;
  info?: Record<string, unknown>;
}

interface ClaimInput {
  userId: string;
  ttlSeconds?: number;
  info?: Record<string, unknown>;
}

function timing(nowMs: number, ttlSeconds: number | undefined) {
  const iat = Math.floor(nowMs / 1000);
  return { iat, exp: iat + effectiveTtl(ttlSeconds) };
}

export function buildConnectionClaims(input: ClaimInput & { channels?: string[] }, meta: ConnectionMeta, nowMs: number): ConnectionClaims {
  const { iat, exp } = timing(nowMs, input.ttlSeconds);
  return {
    sub: input.userId,
    iat,
    exp,
    ...(input.channels !== undefined && { channels: input.channels }),
    ...(input.info !== undefined && { info: input.info }),
    meta,
  };
}

export function buildSubscriptionClaims(input: ClaimInput & { channel: string }, nowMs: number): SubscriptionClaims {
  const { iat, exp } = timing(nowMs, input.ttlSeconds);
  return {
    sub: input.userId,
    channel: input.channel,
    iat,
    exp,
    ...(input.info !== undefined && { info: input.info }),
  };
}

/** The one place the default lifetime applies: in the claims and in `expiresInSeconds` alike. */
export function effectiveTtl(ttlSeconds: number | undefined): number {
  return ttlSeconds ?? DEFAULT_TTL_SECONDS;
}
