// Your backend's side, with the Node server SDK (sdk/node, `@xshathra/server`): mint a connection token for a
// user, publish to a channel, and read the channel's history and presence. Run it next to `npm run dev`:
//   npm run sdk:build
//   XSHATHRA_SERVER_API_KEY=xs_sk_... node examples/server-sdk.mjs
// In your own project, `npm install @xshathra/server` and import from '@xshathra/server' instead.
import { randomUUID } from 'node:crypto';
import { XshathraError, XshathraServer } from '../sdk/node/dist/index.js';

const server = new XshathraServer({
  origin: process.env.XSHATHRA_ORIGIN ?? 'http://localhost:3001',
  serverApiKey: process.env.XSHATHRA_SERVER_API_KEY, // a server key: it stays on your backend
});
const channel = process.env.XSHATHRA_CHANNEL ?? 'public:lobby';

try {
  // What your login route hands to the browser, which connects with it (examples/node-client.mjs).
  const { token, expiresInSeconds } = await server.createToken({ userId: 'example-user', info: { name: 'Example' } });
  console.log(`connection token for example-user, valid ${expiresInSeconds} s: ${token.slice(0, 24)}…`);

  // An idempotency_key makes the publish safe to retry (the SDK retries 429 and 503 only then).
  const published = await server.publish({ channel, data: { text: 'hello from the SDK' }, idempotency_key: randomUUID() });
  console.log(`published to ${channel} at offset ${published.offset ?? '-'}`);

  const history = await server.history({ channel, limit: 3, reverse: true });
  console.log(`latest publications: ${JSON.stringify(history.publications?.map((publication) => publication.data) ?? [])}`);

  const stats = await server.presenceStats({ channel });
  console.log(`subscribed now: ${stats.num_clients ?? 0} connections of ${stats.num_users ?? 0} users`);
} catch (error) {
  if (!(error instanceof XshathraError)) throw error;
  // status, the service's sentence, and the request id to find the call in the service's logs.
  console.error(`${error.status} ${error.error} (request ${error.requestId ?? 'unknown'})`);
  process.exitCode = 1;
}
