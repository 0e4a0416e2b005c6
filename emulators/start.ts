import { startEmulators } from './harness/emulators.js';
import { onShutdown } from './harness/on-shutdown.js';

// `npm run emulators`: start the Firestore and Pub/Sub emulators offline, print their hosts, stop both on
// Ctrl-C, SIGTERM or a crash.
const emulators = await startEmulators();
onShutdown(() => emulators.stop());
console.log(`Emulators ready in ${emulators.startupMs} ms. In another shell:
  export FIRESTORE_EMULATOR_HOST=${emulators.firestoreHost}
  export PUBSUB_EMULATOR_HOST=${emulators.pubsubHost}
Press Ctrl-C to stop them.`);
