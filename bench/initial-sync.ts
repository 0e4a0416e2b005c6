import { randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import {
  DEFAULT_CLIENT,
  type GmailEmulator,
  startGmailEmulator,
  type UserUsage,
} from '../emulators/gmail/index.js';
import { startEmulators } from '../emulators/harness/emulators.js';
import { onShutdown } from '../emulators/harness/on-shutdown.js';
import { FirestoreSyncStore } from '../shared/adapters/firestore/firestore-sync-store.js';
import { GmailApiClient } from '../shared/adapters/gmail-api/gmail-api-client.js';
import { systemClock } from '../shared/core/clock.js';
import { randomIds } from '../shared/core/ids.js';
import { mapBounded } from '../shared/sync/pacer.js';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions, syncMailbox } from '../shared/sync/sync-mailbox.js';
import { countingFirestore, type FirestoreOps, opsSince } from './counting-firestore.js';
import { Figures, repeated } from './measure.js';
import { recordBenchSection } from './report.js';

/** What the initial-sync benchmark runs: sizes, repetitions and the per-user quota it is judged against. */
export interface InitialSyncBenchOptions {
  messages: number;
  warmUp: number;
  reps: number;
  /** Per-user Gmail quota (units per minute) the figures are compared with, and the paced runs keep to. */
  quotaUnitsPerMinute: number;
  /** Also run the sync paced to that quota against an emulator enforcing it (takes a minute or more a run). */
  paced: boolean;
}

const EMAIL = 'bench@example.com';
// high enough that neither the emulator nor the pacer ever holds a capacity run back
const UNLIMITED = 1_000_000_000;

interface Reading {
  usage: UserUsage;
  ops: FirestoreOps;
  at: number;
}

/** Calls and units one Gmail user spent, Firestore operations, and time taken, between two readings. */
function meter(gmail: GmailEmulator, email: string, db: { ops: FirestoreOps }) {
  const read = async (): Promise<Reading> => ({
    usage: structuredClone((await gmail.admin.user(email)).usage),
    ops: { ...db.ops },
    at: performance.now(),
  });
  return {
    read,
    async diff(before: Reading) {
      const after = await read();
      const calls = (m: keyof UserUsage['calls']) =>
        (after.usage.calls[m] ?? 0) - (before.usage.calls[m] ?? 0);
      return {
        seconds: (after.at - before.at) / 1000,
        units: after.usage.units - before.usage.units,
        peakWindowUnits: after.usage.peakWindowUnits,
        quotaRefusals: after.usage.refused.quota - before.usage.refused.quota,
        gets: calls('users.messages.get'),
        lists: calls('users.messages.list'),
        histories: calls('users.history.list'),
        ops: opsSince(after.ops, before.ops),
      };
    },
  };
}

/** Documents a mailbox's mirror holds: its messages, threads and events. */
async function storedDocuments(db: Firestore, mailboxId: string): Promise<number> {
  const mailbox = db.collection('mailboxes').doc(mailboxId);
  let total = 0;
  for (const sub of ['messages', 'threads', 'events'])
    total += (await mailbox.collection(sub).count().get()).data().count;
  return total;
}

/**
 * Initial sync of `messages` seeded messages from the Gmail emulator into the Firestore emulator through
 * the real adapters, repeated after a warm-up, each figure printed as min / median / max beside a reference
 * measured in the same run: throughput and Gmail units beside bare Gmail reads of the same messages (list +
 * get at the sync's concurrency, no Firestore), Firestore reads and writes (counted at the client) beside
 * the documents the mirror holds, and the quota the sync would use beside the per-user limit.
 */
export async function benchInitialSync(options: InitialSyncBenchOptions): Promise<void> {
  const { messages: count, quotaUnitsPerMinute: limit } = options;
  const emulators = await startEmulators();
  onShutdown(() => emulators.stop());
  const gmail = await startGmailEmulator({ quotaUnitsPerMinute: UNLIMITED });
  const [host, port] = emulators.firestoreHost.split(':');
  const counted = countingFirestore({
    projectId: `demo-bench-${randomBytes(3).toString('hex')}`,
    host,
    port: Number(port),
    ssl: false,
    customHeaders: { Authorization: 'Bearer owner' },
  });
  const { db } = counted;
  try {
    // a Gmail user with the seeded mailbox, and a client on its refresh token; each user has its own quota window
    const user = async (email: string) => {
      await gmail.admin.createUser(email);
      const seeded = await gmail.admin.seed(email, { count });
      const { refresh_token } = await gmail.admin.issueTokens(email);
      const client = () =>
        new GmailApiClient(
          { rootUrl: gmail.endpoints.rootUrl, tokenUrl: gmail.endpoints.tokenUrl, ...DEFAULT_CLIENT },
          refresh_token,
        );
      return { email, seeded, client, meter: meter(gmail, email, counted) };
    };
    const bench = await user(EMAIL);
    const store = new FirestoreSyncStore(db);
    const engine: Partial<SyncOptions> = { quotaUnitsPerMinute: UNLIMITED };
    const { fetchConcurrency, listPageSize } = DEFAULT_SYNC_OPTIONS;
    let incomplete = 0;

    const sync = async (
      { email, client, meter }: Awaited<ReturnType<typeof user>>,
      name: string,
      engineOptions: Partial<SyncOptions>,
    ) => {
      const mailboxId = `mbx_${name}`;
      await db
        .collection('mailboxes')
        .doc(mailboxId)
        .set({ workspaceId: 'ws', tenantExternalId: 't', emailAddress: email, status: 'active' });
      const before = await meter.read();
      const outcome = await syncMailbox(
        {
          store,
          gmailFor: async () => client(),
          clock: systemClock,
          ids: randomIds,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          options: engineOptions,
        },
        { mailboxId },
      );
      const spent = await meter.diff(before);
      const mirrored = (
        await db.collection('mailboxes').doc(mailboxId).collection('messages').count().get()
      ).data().count;
      if (outcome.outcome !== 'succeeded' || mirrored !== count) incomplete += 1;
      return { ...spent, documents: await storedDocuments(db, mailboxId) };
    };
    // the Gmail half alone: every page listed and every message fetched as the sync does, nothing stored
    const bareReads = async () => {
      const gmailClient = bench.client();
      const before = await bench.meter.read();
      let pageToken: string | null = null;
      do {
        const page = await gmailClient.listMessages(pageToken, listPageSize);
        await mapBounded(page.messages, fetchConcurrency, (m) => gmailClient.getMessage(m.id));
        pageToken = page.nextPageToken;
      } while (pageToken);
      return bench.meter.diff(before);
    };

    const figures = new Figures<
      | 'rate'
      | 'bareRate'
      | 'ratio'
      | 'units'
      | 'bareUnits'
      | 'reads'
      | 'writes'
      | 'documents'
      | 'commits'
      | 'syncUnits'
      | 'headroom'
    >();
    await repeated(options.warmUp, options.reps, async (i) => {
      const bare = await bareReads();
      const run = await sync(bench, `capacity_${i < 0 ? `warm${-i}` : i}`, engine);
      const unitsPerMessage = run.units / count;
      figures.add({
        rate: count / run.seconds,
        bareRate: count / bare.seconds,
        ratio: bare.seconds / run.seconds,
        units: unitsPerMessage,
        bareUnits: bare.units / count,
        reads: run.ops.reads / count,
        writes: run.ops.writes / count,
        documents: run.documents / count,
        commits: run.ops.commits,
        syncUnits: run.units,
        // how many times faster than the per-user quota lets a mailbox go the unpaced sync runs
        headroom: count / run.seconds / (limit / 60 / unitsPerMessage),
      });
    });

    const runs = `${options.reps} runs after ${options.warmUp} warm-up, min / median / max`;
    console.log(`initial sync: ${count} messages (${bench.seeded.threads} threads), ${runs}`);
    console.log(`  throughput: ${figures.show('rate')} messages/s (quota not enforced)`);
    console.log(
      `    baseline, bare Gmail reads of the same messages (list + get, ${fetchConcurrency} in flight, no Firestore): ${figures.show('bareRate')} messages/s`,
    );
    console.log(`    sync / baseline: ${figures.show('ratio', 2)}`);
    console.log(
      `  Gmail quota units per message (the emulator's counters): ${figures.show('units', 3)}; baseline bare reads ${figures.show('bareUnits', 3)}`,
    );
    console.log(
      `  Firestore per message (every read and write, counted at the client): ${figures.show('reads', 2)} reads, ${figures.show('writes', 2)} writes, in ${figures.show('commits', 0)} commits`,
    );
    console.log(
      `    reference, documents the mirror holds per message (message, thread, event): ${figures.show('documents', 2)}`,
    );
    console.log(
      `  quota: a whole sync spends ${figures.show('syncUnits', 0)} units (emulator) = ${(figures.get('syncUnits').median / limit).toFixed(2)} of one minute of the per-user limit (${limit} units/min)`,
    );
    recordBenchSection('sync', {
      messages: count,
      firestoreReads: figures.get('reads').median,
      firestoreWrites: figures.get('writes').median,
      gmailUnits: figures.get('units').median,
      commits: figures.get('commits').median,
      seconds: count / figures.get('rate').median,
    });
    console.log(
      `    unpaced throughput / the rate that limit allows (${(limit / 60 / figures.get('units').median).toFixed(1)} messages/s): ${figures.show('headroom', 2)}`,
    );

    if (options.paced) {
      await gmail.admin.setQuota({ unitsPerMinute: limit });
      const paced = new Figures<'peak' | 'refused' | 'minutes' | 'units'>();
      await repeated(0, options.reps, async (i) => {
        // a user of its own per run: its quota window and its peak start empty
        const run = await sync(await user(`paced${i}@example.com`), `paced_${i}`, {
          quotaUnitsPerMinute: limit,
        });
        paced.add({
          peak: run.peakWindowUnits,
          refused: run.quotaRefusals,
          minutes: run.seconds / 60,
          units: run.units,
        });
      });
      console.log(
        `paced to ${limit} units/min against an emulator enforcing it, ${options.reps} runs, min / median / max`,
      );
      console.log(
        `  peak units in any sliding minute (emulator): ${paced.show('peak', 0)}; limit ${limit}; calls refused for quota: ${paced.show('refused', 0)}`,
      );
      // a sliding minute admits `limit` units: those beyond the first minute's need a minute per `limit`
      const fastest = Math.max(0, (paced.get('units').median - limit) / limit);
      console.log(
        `  took ${paced.show('minutes', 2)} minutes for ${paced.show('units', 0)} units; the limit allows them in no less than ${fastest.toFixed(2)} minutes`,
      );
      if (paced.get('units').max <= limit)
        console.log(
          '  (the whole sync fits in one minute of the limit: raise BENCH_MESSAGES or lower BENCH_QUOTA to see it paced)',
        );
    }
    if (incomplete > 0) {
      console.log(`  INCOMPLETE: ${incomplete} sync runs did not mirror all ${count} messages`);
      process.exitCode = 1;
    }
  } finally {
    await gmail.stop();
    await db.terminate();
    await emulators.stop();
  }
}
