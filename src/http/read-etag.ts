import etag from 'etag';
import { currentRequest } from './request-context';

/**
 * Express's own weak ETag (the `etag` package, as Express computes it), for answers to GET and HEAD only: those
 * are the answers a client can revalidate (If-None-Match gets 304). Express computes one for every answer,
 * a SHA-1 of the body, and a POST's answer (a freshly minted token, a publish's result) is never revalidated:
 * that hash was about a twelfth of the token route's time (bench/findings.md).
 */
export function weakEtagForReads(body: string | Buffer, encoding?: BufferEncoding): string | undefined {
  const method = currentRequest()?.req.method;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  return etag(Buffer.isBuffer(body) ? body : Buffer.from(body, encoding), { weak: true });
}
