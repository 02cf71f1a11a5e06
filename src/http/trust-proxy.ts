import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { all as forwardedAddresses, compile } from 'proxy-addr';
import type { TrustProxy } from '../platform/config/env.parser';

/** Whether the hop at `address` (0 = the socket's peer) may tell us about the client, as Express's `trust proxy`. */
export type TrustFunction = (address: string, hop: number) => boolean;

export function trustFunction(setting: TrustProxy): TrustFunction {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return compile(setting);
}

export type ForwardedHeaders = Record<'x-forwarded-for' | 'x-forwarded-proto' | 'x-forwarded-host', string>;

/**
 * X-Forwarded-* for a request we pass on, built from what we can vouch for: the socket's peer, plus what
 * trusted hops in front of us said. A client's own X-Forwarded-* are never passed on as if true.
 */
export function forwardedHeaders(request: IncomingMessage, trust: TrustFunction): ForwardedHeaders {
  const socketTrusted = trust(request.socket.remoteAddress ?? '', 0);
  const fromTrustedHop = (name: string): string | undefined => {
    const value = request.headers[name];
    return socketTrusted && typeof value === 'string' ? value.split(',')[0].trim() || undefined : undefined;
  };
  return {
    // Closest first from proxy-addr; X-Forwarded-For lists the client first.
    'x-forwarded-for': forwardedAddresses(request, trust).reverse().join(', '),
    'x-forwarded-proto': fromTrustedHop('x-forwarded-proto') ?? ((request.socket as TLSSocket).encrypted ? 'https' : 'http'),
    'x-forwarded-host': fromTrustedHop('x-forwarded-host') ?? request.headers.host ?? '',
  };
}
