// A centrifuge-js client in Node, connected through the control plane's /realtime proxy.
// Run it next to `npm run dev`, then publish to public:lobby (README, "Publishing"):
//   XSHATHRA_SERVER_API_KEY=xs_sk_... node examples/node-client.mjs
// Pass --once to exit after the first publication.
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';

const origin = process.env.XSHATHRA_ORIGIN ?? 'http://localhost:3001';
const serverApiKey = process.env.XSHATHRA_SERVER_API_KEY;
const channel = process.env.XSHATHRA_CHANNEL ?? 'public:lobby';
if (!serverApiKey) throw new Error('Set XSHATHRA_SERVER_API_KEY to a server key (npm run dev prints one).');

// In a real app this runs on your backend: a server key never belongs in a browser or an app.
async function fetchConnectionToken() {
  const response = await fetch(`${origin}/api/realtime/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `apikey ${serverApiKey}` },
    body: JSON.stringify({ userId: 'example-user', ttlSeconds: 900 }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body.token;
}

const client = new Centrifuge(`${origin.replace(/^http/, 'ws')}/realtime/connection/websocket`, {
  websocket: WebSocket, // browsers have WebSocket built in; Node needs the `ws` package
  token: await fetchConnectionToken(),
  getToken: fetchConnectionToken, // called again before the token expires
});
client.on('disconnected', (ctx) => console.log(`disconnected: ${ctx.code} ${ctx.reason}`));

const subscription = client.newSubscription(channel);
subscription.on('subscribed', () => console.log(`subscribed to ${channel}`));
subscription.on('publication', (ctx) => {
  console.log(`publication: ${JSON.stringify(ctx.data)}`);
  if (process.argv.includes('--once')) client.disconnect();
});
subscription.subscribe();
client.connect();
