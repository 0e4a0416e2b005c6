import type { Firestore } from '@google-cloud/firestore';
import { google } from 'googleapis';
import { DEFAULT_CLIENT, type GmailEmulator, startGmailEmulator } from '../../../emulators/gmail/index.js';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { FirestoreSyncStore } from '../../adapters/firestore/firestore-sync-store.js';
import { GmailApiClient } from '../../adapters/gmail-api/gmail-api-client.js';
import { ManualClock } from '../../core/clock.js';
import { randomIds } from '../../core/ids.js';
import type { MailmonEvent } from '../../events/event.js';
import type { SyncDeps } from '../sync-mailbox.js';

/** A Gmail emulator and a Firestore emulator project, with mailboxes wired to both through the real adapters. */
export interface EmulatorWorld {
  gmail: GmailEmulator;
  db: Firestore;
  store: FirestoreSyncStore;
  clock: ManualClock;
  slept: number[];
  newMailbox(
    email: string,
  ): Promise<{ mailboxId: string; email: string; deps: SyncDeps; refreshToken: string }>;
  /** Gmail's own view (ids, thread ids, sorted labels), read through googleapis. */
  gmailView(email: string): Promise<string[][]>;
  /** The mirror in Firestore, in the same shape. */
  mirrorView(mailboxId: string): Promise<string[][]>;
  threadIds(mailboxId: string): Promise<string[]>;
  events(mailboxId: string): Promise<MailmonEvent[]>;
  mailbox(mailboxId: string): Promise<FirebaseFirestore.DocumentData>;
  close(): Promise<void>;
}

let mailboxes = 0;

/** Starts the world; `options` tune the engine for speed in tests. */
export async function startEmulatorWorld(options: SyncDeps['options'] = {}): Promise<EmulatorWorld> {
  const gmail = await startGmailEmulator({ notificationIntervalMs: 0 });
  const db = testFirestore(newProjectId('sync'));
  const store = new FirestoreSyncStore(db);
  const clock = new ManualClock(Date.now());
  const slept: number[] = [];
  const config = {
    rootUrl: gmail.endpoints.rootUrl,
    tokenUrl: gmail.endpoints.tokenUrl,
    ...DEFAULT_CLIENT,
    historyPageSize: 5,
  };
  const accessTokens = new Map<string, string>();

  const gmailApi = async (email: string) => {
    let token = accessTokens.get(email);
    if (!token) {
      token = (await gmail.admin.issueTokens(email)).access_token;
      accessTokens.set(email, token);
    }
    const auth = new google.auth.OAuth2();
    auth.setCredentials({ access_token: token });
    return google.gmail({ version: 'v1', auth, rootUrl: gmail.endpoints.rootUrl });
  };

  return {
    gmail,
    db,
    store,
    clock,
    slept,
    async newMailbox(email) {
      mailboxes += 1;
      await gmail.admin.createUser(email);
      const { refresh_token: refreshToken } = await gmail.admin.issueTokens(email);
      const mailboxId = `mbx_${mailboxes}_${randomIds.random()}`;
      await db.collection('mailboxes').doc(mailboxId).set({
        workspaceId: 'ws_1',
        tenantExternalId: 'tenant-1',
        mailboxExternalId: email,
        emailAddress: email,
        status: 'active',
        syncState: 'initializing',
        cursor: null,
      });
      const deps: SyncDeps = {
        store,
        gmailFor: async () => new GmailApiClient(config, refreshToken),
        clock,
        ids: randomIds,
        sleep: async (ms) => {
          slept.push(ms);
          clock.advance(ms);
        },
        options: { listPageSize: 5, ...options },
      };
      return { mailboxId, email, deps, refreshToken };
    },
    async gmailView(email) {
      const api = await gmailApi(email);
      const out: string[][] = [];
      let pageToken: string | undefined;
      do {
        const { data } = await api.users.messages.list({
          userId: 'me',
          includeSpamTrash: true,
          maxResults: 500,
          ...(pageToken ? { pageToken } : {}),
        });
        for (const m of data.messages ?? []) {
          const full = await api.users.messages.get({ userId: 'me', id: m.id!, format: 'minimal' });
          out.push([m.id!, m.threadId!, [...(full.data.labelIds ?? [])].sort().join(',')]);
        }
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken);
      return out.sort();
    },
    async mirrorView(mailboxId) {
      const snap = await db.collection('mailboxes').doc(mailboxId).collection('messages').get();
      return snap.docs
        .map((d) => [d.id, d.get('threadId') as string, (d.get('labelIds') as string[]).join(',')])
        .sort();
    },
    async threadIds(mailboxId) {
      const snap = await db.collection('mailboxes').doc(mailboxId).collection('threads').get();
      return snap.docs.map((d) => d.id).sort();
    },
    async events(mailboxId) {
      const snap = await db.collection('mailboxes').doc(mailboxId).collection('events').orderBy('seq').get();
      return snap.docs.map((d) => d.data() as MailmonEvent);
    },
    async mailbox(mailboxId) {
      return (await db.collection('mailboxes').doc(mailboxId).get()).data() ?? {};
    },
    async close() {
      await gmail.stop();
      await db.terminate();
    },
  };
}
