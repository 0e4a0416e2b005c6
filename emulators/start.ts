import { startEmulators } from './harness/emulators.js';

// `npm run emulators`: start the Firestore and Pub/Sub emulators offline, print their hosts, stop both on
// Ctrl-C, SIGTERM or a crash.
const emulators = await startEmulators();
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await emulators.stop();
  process.exit(code);
};
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));
process.on('uncaughtException', (error) => {
  console.error(error);
  void stop(1);
});
console.log(`Emulators ready in ${emulators.startupMs} ms. In another shell:
  export FIRESTORE_EMULATOR_HOST=${emulators.firestoreHost}
  export PUBSUB_EMULATOR_HOST=${emulators.pubsubHost}
Press Ctrl-C to stop them.`);
