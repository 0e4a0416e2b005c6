#!/usr/bin/env node
// Run by `npm run check:firebase` inside `firebase emulators:exec`: proves both emulators serve, using the
// hosts firebase-tools exports, and that the suite loaded firestore.rules from the root firebase.json.
const project = process.env.GCLOUD_PROJECT ?? 'demo-mailmon';
const firestore = process.env.FIRESTORE_EMULATOR_HOST;
const pubsub = process.env.PUBSUB_EMULATOR_HOST;
if (!firestore || !pubsub) {
  console.error('FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST must be set (run inside emulators:exec)');
  process.exit(1);
}

async function call(url, init = {}) {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

const docs = `http://${firestore}/v1/projects/${project}/databases/(default)/documents`;
const write = await call(`${docs}/probe/one`, {
  method: 'PATCH',
  headers: { authorization: 'Bearer owner' },
  body: JSON.stringify({ fields: { ok: { booleanValue: true } } }),
});
const read = await call(`${docs}/probe/one`, { headers: { authorization: 'Bearer owner' } });
const denied = await call(`${docs}/probe/one`);
const firestoreOk =
  write.status === 200 && read.body.fields?.ok?.booleanValue === true && denied.status === 403;
console.log(
  `Firestore at ${firestore}: write ${write.status}, read back ${read.status}, client read without credentials ${denied.status} (firestore.rules deny all)`,
);

const base = `http://${pubsub}/v1/projects/${project}`;
await call(`${base}/topics/probe`, { method: 'PUT' });
await call(`${base}/subscriptions/probe`, {
  method: 'PUT',
  body: JSON.stringify({ topic: `projects/${project}/topics/probe` }),
});
const data = Buffer.from('hello from emulators:exec').toString('base64');
const published = await call(`${base}/topics/probe:publish`, {
  method: 'POST',
  body: JSON.stringify({ messages: [{ data }] }),
});
const pulled = await call(`${base}/subscriptions/probe:pull`, {
  method: 'POST',
  body: JSON.stringify({ maxMessages: 1 }),
});
const received = pulled.body.receivedMessages?.[0]?.message?.data;
const pubsubOk = published.status === 200 && received === data;
console.log(
  `Pub/Sub at ${pubsub}: published ${published.status}, pulled ${received === data ? 'the same message' : 'nothing'}`,
);
process.exit(firestoreOk && pubsubOk ? 0 : 1);
