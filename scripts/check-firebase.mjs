#!/usr/bin/env node
// `npm run check:firebase`: the Firebase emulator suite starts from the repository root on the local
// emulator jars (no download) and serves Firestore and Pub/Sub. Not part of `npm test`: firebase-tools
// needs a JDK >= 21, which not every machine has beside its default Java 17.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const command = 'node scripts/firebase-probe.mjs';
console.log(`firebase emulators:exec --only firestore,pubsub "${command}"`);
const run = spawnSync(
  join(root, 'node_modules', '.bin', 'tsx'),
  [join(root, 'scripts', 'firebase.ts'), 'emulators:exec', '--only', 'firestore,pubsub', command],
  { cwd: root, stdio: 'inherit' },
);
console.log(
  run.status === 0 ? 'check:firebase: the suite served Firestore and Pub/Sub' : 'check:firebase: FAILED',
);
process.exit(run.status ?? 1);
