// A centrifuge-js client in Node, connected through the control plane's /realtime proxy.
// Run it next to `npm run dev` with the server key of any project (`npm run dev` prints one; `npm run cli --
// projects create --name NAME` makes another), then publish to the channel it names (README, "Publishing"):
//   XSHATHRA_SERVER_API_KEY=xs_sk_... node examples/node-client.mjs
// The channel is the project's own (GET /api/realtime/project suggests one); XSHATHRA_CHANNEL picks another
// (private:… channels use a subscription token). --once exits after the first publication.
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';

const origin = process.env.XSHATHRA_ORIGIN ?? 'http://localhost:3001';
const serverApiKey = process.env.XSHATHRA_SERVER_API_KEY;
const userId = 'example-user';
if (!serverApiKey) throw new Error('Set XSHATHRA_SERVER_API_KEY to a server key (npm run dev prints one).');

// In a real app these two calls run on your backend: a server key never belongs in a browser or an app.
async function controlPlane(path, body) {
  const response = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `apikey ${serverApiKey}` },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(json.error ?? `HTTP ${response.status}`);
  return json;
}
const fetchConnectionToken = async () => (await controlPlane('/api/realtime/token', { userId, ttlSeconds: 900 })).token;
const fetchSubscriptionToken = async (ctx) =>
  (await controlPlane('/api/realtime/subscription-token', { userId, channel: ctx.channel })).token;

// Which project the key belongs to, and a channel of its own that a client may subscribe to.
const projectResponse = await fetch(`${origin}/api/realtime/project`, { headers: { Authorization: `apikey ${serverApiKey}` } });
const project = await projectResponse.json();
if (!projectResponse.ok) throw new Error(project.error ?? `HTTP ${projectResponse.status}`);
const channel = process.env.XSHATHRA_CHANNEL ?? project.suggestedChannel;
if (!channel) throw new Error(`Set XSHATHRA_CHANNEL: ${project.note}`);
console.log(`project ${project.slug} (channels ${project.channels.join(', ')})`);

const client = new Centrifuge(`${origin.replace(/^http/, 'ws')}/realtime/connection/websocket`, {
  websocket: WebSocket, // browsers have WebSocket built in; Node needs the `ws` package
  token: await fetchConnectionToken(),
  getToken: fetchConnectionToken, // called again before the token expires, and after error 109
});
client.on('connected', (ctx) => console.log(`connected as ${ctx.client}`));
client.on('disconnected', (ctx) => console.log(`disconnected: ${ctx.code} ${ctx.reason}`));

// private:… channels need a subscription token for the same userId; public:… ones do not.
const options = channel.startsWith('private:') ? { getToken: fetchSubscriptionToken } : {};
const subscription = client.newSubscription(channel, options);
subscription.on('subscribed', () => console.log(`subscribed to ${channel}`));
subscription.on('unsubscribed', (ctx) => console.log(`unsubscribed: ${ctx.code} ${ctx.reason}`));
subscription.on('publication', (ctx) => {
  console.log(`publication: ${JSON.stringify(ctx.data)}`);
  if (process.argv.includes('--once')) client.disconnect();
});
subscription.subscribe();
client.connect();

// A refused subscription says why (code 103, the reason as its message): with --once, that ends the run too.
subscription.on('unsubscribed', (ctx) => ctx.code >= 100 && process.argv.includes('--once') && client.disconnect());
