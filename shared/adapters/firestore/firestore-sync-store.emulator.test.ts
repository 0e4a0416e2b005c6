import type { Firestore } from '@google-cloud/firestore';
import { afterAll } from 'vitest';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import type { MailmonEvent } from '../../events/event.js';
import type { SyncRunRecord } from '../../sync/ports.js';
import { describeSyncStoreContract } from '../../sync/testing/sync-store-contract.js';
import { FirestoreSyncStore } from './firestore-sync-store.js';

const clients: Firestore[] = [];
afterAll(() => Promise.all(clients.map((db) => db.terminate())));

describeSyncStoreContract('FirestoreSyncStore', async () => {
  const db = testFirestore(newProjectId('sync-store'));
  clients.push(db);
  const mailbox = (id: string) => db.collection('mailboxes').doc(id);
  return {
    store: new FirestoreSyncStore(db),
    async addMailbox(id) {
      // the fields a connected mailbox starts with (FirestoreMailboxRegistry)
      await mailbox(id).set({
        workspaceId: 'ws_1',
        tenantExternalId: 'tenant-1',
        mailboxExternalId: id,
        emailAddress: `${id}@example.com`,
        status: 'active',
        syncState: 'initializing',
        cursor: null,
        nextSeq: 1,
      });
    },
    markDeleting: async (id) => {
      await mailbox(id).update({ status: 'deleting' });
    },
    events: async (id) =>
      (await mailbox(id).collection('events').orderBy('seq').get()).docs.map((d) => {
        const { fanout: _fanout, ...event } = d.data();
        return event as MailmonEvent;
      }),
    messageIds: async (id) => (await mailbox(id).collection('messages').get()).docs.map((d) => d.id).sort(),
    runs: async (id) =>
      (await mailbox(id).collection('syncRuns').get()).docs.map((d) => d.data() as SyncRunRecord),
  };
});
