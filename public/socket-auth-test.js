// The socket auth test page's script (a file of its own so that the page runs under a strict CSP).
'use strict';
const $ = (id) => document.getElementById(id);
$('origin').value = location.origin;

let connectionToken = null;
let client = null;
let subscription = null;
/** Set once the user types a channel: the project's suggestion no longer replaces it. */
let channelEdited = false;

function addLine(list, text, kind) {
  const item = document.createElement('li');
  if (kind) item.className = kind;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  item.append(time, document.createTextNode(text));
  list.prepend(item);
}
const log = (text, kind) => addLine($('log'), text, kind);

function setStatus(id, text, kind) {
  $(id).textContent = text;
  $(id).className = 'status ' + (kind || '');
}

/** Calls the control plane with the server key (POST with a body, else GET) and returns the JSON body, or throws with its error. */
async function api(path, body) {
  const response = await fetch($('origin').value.replace(/\/+$/, '') + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'apikey ' + $('serverKey').value.trim() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(path + ' → ' + response.status + ': ' + (json.error || response.statusText));
  return json;
}

/** Buttons follow the state: each action is offered only when it can be taken. */
function showState() {
  const connected = client !== null && client.state === 'connected';
  const active = client !== null && client.state !== 'disconnected';
  const subscribed = subscription !== null && subscription.state !== 'unsubscribed';
  const sameChannel = subscribed && subscription.channel === $('channel').value.trim();
  $('connect').disabled = connectionToken === null || active;
  $('disconnect').disabled = !active;
  $('subscribe').disabled = !connected || sameChannel;
  $('unsubscribe').disabled = !subscribed;
  $('publish').disabled = !(connected && subscription !== null && subscription.state === 'subscribed');
}

/** The key's project: its channels, and a channel of its own to subscribe to (unless one was typed). */
async function showProject() {
  try {
    const project = await api('/api/realtime/project');
    $('projectInfo').textContent =
      'Project ' + project.name + ' (' + project.slug + ') owns ' + project.channels.join(', ') + '. ' + project.note;
    if (project.suggestedChannel && !channelEdited) $('channel').value = project.suggestedChannel;
  } catch (error) {
    $('projectInfo').textContent = error.message;
  }
}
// Only a complete key is tried: typing must not count as failed attempts against this address.
$('serverKey').addEventListener('input', () => /^xs_sk_[A-Za-z0-9_-]{43}$/.test($('serverKey').value.trim()) && showProject());
$('channel').addEventListener('input', () => {
  channelEdited = true;
  showState();
});

const mintConnectionToken = async () => (await api('/api/realtime/token', { userId: $('userId').value, ttlSeconds: 900 })).token;

$('mintToken').onclick = async () => {
  try {
    connectionToken = await mintConnectionToken();
    const claims = JSON.parse(atob(connectionToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    $('tokenInfo').textContent = 'Token ' + connectionToken.slice(0, 16) + '… claims: ' + JSON.stringify(claims);
    log('minted a connection token for ' + claims.sub + ', expires ' + new Date(claims.exp * 1000).toLocaleTimeString(), 'ok');
    showState();
  } catch (error) {
    log(error.message, 'error');
  }
};

$('connect').onclick = () => {
  if (client) client.disconnect();
  subscription = null; // subscriptions belong to a client
  const url = $('origin').value.replace(/\/+$/, '').replace(/^http/, 'ws') + '/realtime/connection/websocket';
  client = new Centrifuge(url, { token: connectionToken, getToken: mintConnectionToken });
  client.on('state', showState);
  client.on('connecting', (ctx) => {
    setStatus('connectionStatus', 'connecting');
    log('connecting (' + ctx.code + ': ' + ctx.reason + ')');
  });
  client.on('connected', (ctx) => {
    setStatus('connectionStatus', 'connected', 'connected');
    log('connected as client ' + ctx.client + ' over ' + ctx.transport, 'ok');
  });
  client.on('disconnected', (ctx) => {
    setStatus('connectionStatus', 'disconnected (' + ctx.code + ')', 'error');
    log('disconnected: ' + ctx.code + ' ' + ctx.reason, 'error');
  });
  client.on('error', (ctx) => log('client error: ' + ctx.type + ' ' + JSON.stringify(ctx.error), 'error'));
  client.on('publication', (ctx) => addLine($('messages'), '[server-side ' + ctx.channel + '] ' + JSON.stringify(ctx.data)));
  client.connect();
  showState();
};

$('disconnect').onclick = () => client && client.disconnect();

$('unsubscribe').onclick = () => subscription && subscription.unsubscribe();

$('subscribe').onclick = () => {
  if (subscription) {
    subscription.unsubscribe();
    client.removeSubscription(subscription);
  }
  const channel = $('channel').value.trim();
  const options = channel.startsWith('private:')
    ? {
        getToken: async (ctx) => (await api('/api/realtime/subscription-token', { userId: $('userId').value, channel: ctx.channel })).token,
      }
    : {};
  subscription = client.newSubscription(channel, options);
  subscription.on('state', showState);
  subscription.on('subscribing', () => setStatus('subscriptionStatus', 'subscribing'));
  subscription.on('subscribed', () => {
    setStatus('subscriptionStatus', 'subscribed to ' + channel, 'subscribed');
    log('subscribed to ' + channel, 'ok');
  });
  // A refusal carries its reason (code 103: the subscribe proxy says why, e.g. a channel of another project).
  subscription.on('unsubscribed', (ctx) => {
    setStatus('subscriptionStatus', 'unsubscribed (' + ctx.code + ')', 'error');
    log('unsubscribed from ' + channel + ': ' + ctx.code + ' ' + ctx.reason, ctx.code >= 100 ? 'error' : undefined);
  });
  subscription.on('error', (ctx) => log('subscription error: ' + ctx.type + ' ' + JSON.stringify(ctx.error), 'error'));
  subscription.on('publication', (ctx) => {
    $('messagesEmpty').hidden = true;
    addLine($('messages'), '[' + channel + '] ' + JSON.stringify(ctx.data));
  });
  subscription.subscribe();
  showState();
};

$('publish').onclick = async () => {
  let data;
  try {
    data = JSON.parse($('publishData').value);
  } catch (error) {
    log('data is not valid JSON: ' + error.message, 'error');
    return;
  }
  try {
    const answer = await api('/api/realtime/publish', { channel: subscription.channel, data });
    // Centrifugo reports its own errors with HTTP 200 and an "error" member.
    if (answer.error) log('engine refused the publish: ' + answer.error.code + ' ' + answer.error.message, 'error');
    else log('published to ' + subscription.channel + ' ' + JSON.stringify(answer.result), 'ok');
  } catch (error) {
    log(error.message, 'error');
  }
};
