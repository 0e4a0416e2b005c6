import '../functions/index.js';
import { startFunctionsHost } from './functions-host.js';
import { startEmulators } from './harness/emulators.js';

// `npm run dev`: the local stack — emulators plus every function in one process. Ctrl-C stops all of it.
const port = Number(process.env.PORT ?? 8787);
const emulators = await startEmulators();
process.env.FIRESTORE_EMULATOR_HOST = emulators.firestoreHost;
process.env.PUBSUB_EMULATOR_HOST = emulators.pubsubHost;
let host: Awaited<ReturnType<typeof startFunctionsHost>> | undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  host?.server.close();
  await emulators.stop();
  process.exit(code);
};
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));
process.on('uncaughtException', (error) => {
  console.error(error);
  void stop(1);
});
try {
  host = await startFunctionsHost(port);
} catch (error) {
  console.error(error);
  await stop(1);
}
console.log(`Mailmon local stack ready.
  functions:  ${host?.url}/<function>/…   (api, oauthCallback, gmailPush, syncMailbox, deliverWebhook, control)
  Firestore:  ${emulators.firestoreHost}
  Pub/Sub:    ${emulators.pubsubHost}
Press Ctrl-C to stop.`);
