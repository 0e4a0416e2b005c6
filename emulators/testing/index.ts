import { randomBytes } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { inject } from 'vitest';

/** Host:port pairs of the emulators started by the emulator project's global setup. */
export function emulatorHosts(): { firestoreHost: string; pubsubHost: string } {
  return { firestoreHost: inject('firestoreHost'), pubsubHost: inject('pubsubHost') };
}

/** A fresh `demo-*` project id, so every test file (or test) works on its own data. */
export function newProjectId(prefix = 'test'): string {
  return `demo-${prefix}-${randomBytes(4).toString('hex')}`;
}

/** An admin Firestore client on the emulator for `projectId` (bypasses rules, like a service account). */
export function testFirestore(projectId: string): Firestore {
  const [host, port] = emulatorHosts().firestoreHost.split(':');
  return new Firestore({
    projectId,
    host,
    port: Number(port),
    ssl: false,
    customHeaders: { Authorization: 'Bearer owner' },
  });
}

/** A Pub/Sub client on the emulator for `projectId`. */
export function testPubSub(projectId: string): PubSub {
  return new PubSub({ projectId, apiEndpoint: emulatorHosts().pubsubHost, emulatorMode: true });
}

/** Deletes every document of `projectId` in the Firestore emulator. */
export async function clearFirestore(projectId: string): Promise<void> {
  const url = `http://${emulatorHosts().firestoreHost}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok)
    throw new Error(`clearing Firestore emulator failed: ${response.status} ${await response.text()}`);
}
