import { inject } from 'vitest';

// Google clients discover emulators through these variables; every emulator test file sees the same pair.
process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreHost');
process.env.PUBSUB_EMULATOR_HOST = inject('pubsubHost');
process.env.METADATA_SERVER_DETECTION = 'none';
