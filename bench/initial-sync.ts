import { randomBytes } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { DEFAULT_CLIENT, startGmailEmulator } from '../emulators/gmail/index.js';
import { startEmulators } from '../emulators/harness/emulators.js';
import { onShutdown } from '../emulators/harness/on-shutdown.js';
import { FirestoreSyncStore } from '../shared/adapters/firestore/firestore-sync-store.js';
import { GmailApiClient } from '../shared/adapters/gmail-api/gmail-api-client.js';
import { systemClock } from '../shared/core/clock.js';
import { randomIds } from '../shared/core/ids.js';
import type { GmailClient } from '../shared/sync/ports.js';
import { DEFAULT_SYNC_OPTIONS, syncMailbox } from '../shared/sync/sync-mailbox.js';

const COST: Record<keyof GmailClient, number> = {
  getProfile: 1,
  listMessages: 5,
  getMessage: 5,
  listHistory: 2,
};

/** Counts the quota units of every Gmail call it passes through. */
function metered(client: GmailClient, units: { used: number }): GmailClient {
  const wrap =
    <K extends keyof GmailClient>(name: K) =>
    (...args: Parameters<GmailClient[K]>) => {
      units.used += COST[name];
      return (client[name] as (...a: Parameters<GmailClient[K]>) => ReturnType<GmailClient[K]>)(...args);
    };
  return {
    getProfile: wrap('getProfile'),
    listMessages: wrap('listMessages'),
    getMessage: wrap('getMessage'),
    listHistory: wrap('listHistory'),
  };
}

/**
 * Initial sync of `count` seeded messages from the Gmail emulator into the Firestore emulator, through the
 * real adapters, paced to the per-user quota. Prints throughput against the quota-bound ceiling.
 */
export async function benchInitialSync(count: number): Promise<void> {
  const emulators = await startEmulators();
  onShutdown(() => emulators.stop());
  const gmail = await startGmailEmulator({});
  const db = new Firestore({
    projectId: `demo-bench-${randomBytes(3).toString('hex')}`,
    host: emulators.firestoreHost.split(':')[0],
    port: Number(emulators.firestoreHost.split(':')[1]),
    ssl: false,
    customHeaders: { Authorization: 'Bearer owner' },
  });
  try {
    const email = 'bench@example.com';
    await gmail.admin.createUser(email);
    const seeded = await gmail.admin.seed(email, { count });
    const { refresh_token } = await gmail.admin.issueTokens(email);
    await db
      .collection('mailboxes')
      .doc('mbx_bench')
      .set({ workspaceId: 'ws', tenantExternalId: 't', emailAddress: email, status: 'active' });
    const store = new FirestoreSyncStore(db);
    const units = { used: 0 };
    const client = new GmailApiClient(
      { rootUrl: gmail.endpoints.rootUrl, tokenUrl: gmail.endpoints.tokenUrl, ...DEFAULT_CLIENT },
      refresh_token,
    );
    const started = performance.now();
    const outcome = await syncMailbox(
      {
        store,
        gmailFor: async () => metered(client, units),
        clock: systemClock,
        ids: randomIds,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      { mailboxId: 'mbx_bench' },
    );
    const seconds = (performance.now() - started) / 1000;
    const mirrored = (
      await db.collection('mailboxes').doc('mbx_bench').collection('messages').count().get()
    ).data().count;
    const quota = DEFAULT_SYNC_OPTIONS.quotaUnitsPerMinute;
    const rate = count / seconds;
    // sustained, the per-user quota allows quota / 60 / unitsPerMessage messages a second
    const quotaBoundRate = quota / 60 / (units.used / count);
    console.log(
      `initial sync: ${count} messages (${seeded.threads} threads) in ${seconds.toFixed(1)} s, outcome ${outcome.outcome}`,
    );
    console.log(`  mirrored: ${mirrored} of ${count} (${mirrored === count ? 'complete' : 'INCOMPLETE'})`);
    console.log(`  throughput: ${rate.toFixed(1)} messages/s`);
    console.log(
      `  throughput / sustained quota-bound rate (${quotaBoundRate.toFixed(1)} messages/s): ${(rate / quotaBoundRate).toFixed(2)}`,
    );
    console.log(
      `  Firestore: ${(store.stats.writes / count).toFixed(2)} writes/message, ${(store.stats.reads / count).toFixed(2)} reads/message, ${store.stats.commits} commits`,
    );
    console.log(
      `  Gmail quota: ${units.used} units = ${(units.used / count).toFixed(2)} units/message; ` +
        `${(units.used / (Math.max(1, seconds / 60) * quota)).toFixed(2)} of the ${quota} units/min per-user ceiling`,
    );
    if (mirrored !== count) process.exitCode = 1;
  } finally {
    await gmail.stop();
    await db.terminate();
    await emulators.stop();
  }
}
