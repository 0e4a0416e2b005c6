import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, startGmailEmulator } from '../../../emulators/gmail/index.js';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { ManualClock } from '../../core/clock.js';
import { randomIds } from '../../core/ids.js';
import { deleteMailbox, resumeMailboxDeletions } from '../../mailboxes/delete-mailbox.js';
import type { GmailRelease } from '../../mailboxes/ports.js';
import { CredentialBox } from '../../secrets/credentials.js';
import { LeaseLostError } from '../../sync/ports.js';
import { GmailApiRelease } from '../gmail-api/gmail-api-release.js';
import { LocalKeyWrapper } from '../local-key-wrapper/local-key-wrapper.js';
import { FirestoreMailboxDeletionStore } from './firestore-mailbox-deletion-store.js';
import { FirestoreMailboxRegistry } from './firestore-mailbox-registry.js';
import { FirestoreSyncStore } from './firestore-sync-store.js';

const db = testFirestore(newProjectId('mailbox-deletion'));
afterAll(() => db.terminate());

const clock = new ManualClock(Date.UTC(2026, 5, 1));
const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));

function recordingRelease(): GmailRelease & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async stopWatch(token) {
      calls.push(`stop:${token}`);
    },
    async revokeToken(token) {
      calls.push(`revoke:${token}`);
    },
  };
}

async function seedMailbox(
  id: string,
  options: { emailAddress?: string; messages?: number; refreshToken?: string } = {},
) {
  const ref = db.collection('mailboxes').doc(id);
  await ref.set({
    workspaceId: 'ws_1',
    tenantExternalId: 't',
    mailboxExternalId: id,
    emailAddress: options.emailAddress ?? `${id}@example.com`,
    status: 'active',
    nextSeq: 1,
    createdAt: 1,
  });
  await db
    .collection('credentials')
    .doc(id)
    .set({ sealedRefreshToken: await box.sealRefreshToken(id, options.refreshToken ?? `token-${id}`) });
  const writer = db.bulkWriter();
  for (let i = 0; i < (options.messages ?? 3); i += 1) {
    void writer.set(ref.collection('messages').doc(`m${i}`), { id: `m${i}` });
    void writer.set(ref.collection('threads').doc(`t${i}`), { id: `t${i}` });
    void writer.set(ref.collection('events').doc(`e${i}`), { id: `e${i}`, seq: i + 1 });
    void writer.set(db.collection('deliveries').doc(`d_${id}_${i}`), { mailboxId: id, state: 'pending' });
    void writer.set(db.collection('deliveries').doc(`d_${id}_${i}`).collection('attempts').doc('1'), {
      attempt: 1,
    });
  }
  void writer.set(ref.collection('syncRuns').doc('r1'), { id: 'r1' });
  await writer.close();
  return ref;
}

async function leftovers(id: string): Promise<number> {
  const ref = db.collection('mailboxes').doc(id);
  let n = (await ref.get()).exists ? 1 : 0;
  for (const sub of ['messages', 'threads', 'events', 'syncRuns', 'lease'])
    n += (await ref.collection(sub).get()).size;
  n += (await db.collection('deliveries').where('mailboxId', '==', id).get()).size;
  n += (await db.collection('credentials').doc(id).get()).exists ? 1 : 0;
  return n;
}

describe('deleting a mailbox on Firestore', () => {
  it('fences out a sync that holds the lease: it can no longer commit, and no new sync starts', async () => {
    await seedMailbox('mbx_fence');
    const sync = new FirestoreSyncStore(db);
    const lease = await sync.acquireLease('mbx_fence', 'sync_1', clock.now(), 60_000);
    expect(lease).toBeDefined();
    const store = new FirestoreMailboxDeletionStore(db);
    expect(await store.markDeleting('ws_1', 'mbx_fence', clock.now())).toMatchObject({ found: true });
    await expect(sync.updateMailbox(lease!, clock.now(), { cursor: '99' })).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await sync.acquireLease('mbx_fence', 'sync_2', clock.now() + 86_400_000, 60_000)).toBeUndefined();
    expect((await sync.getMailbox('mbx_fence'))?.status).toBe('deleting');
    const deps = { mailboxDeletion: store, gmailRelease: recordingRelease(), box, clock };
    await deleteMailbox(deps, { workspaceId: 'ws_1', mailboxId: 'mbx_fence' });
    // the fenced-out sync records how it ended after the deletion finished: it leaves nothing behind
    await sync.recordRun({
      id: 'run_late',
      mailboxId: 'mbx_fence',
      kind: 'incremental',
      previousCursor: '1',
      nextCursor: null,
      startedAt: clock.now(),
      finishedAt: clock.now(),
      outcome: 'lease_lost',
      counts: { pages: 0, fetched: 0, events: 0, messagesWritten: 0, messagesDeleted: 0 },
      error: 'lease lost',
    });
    expect(await leftovers('mbx_fence')).toBe(0);
  });

  it('purges in bounded batches; an interrupted deletion is finished by resumeMailboxDeletions', async () => {
    await seedMailbox('mbx_big', { messages: 40 });
    const release = recordingRelease();
    const deps = {
      mailboxDeletion: new FirestoreMailboxDeletionStore(db),
      gmailRelease: release,
      box,
      clock,
    };
    const first = await deleteMailbox(
      deps,
      { workspaceId: 'ws_1', mailboxId: 'mbx_big' },
      { maxDocuments: 50, batch: 25 },
    );
    expect(first).toEqual({ outcome: 'in_progress', purged: 50 });
    expect((await db.collection('mailboxes').doc('mbx_big').get()).get('status')).toBe('deleting');
    // events went first: nothing of the mailbox can be fanned out or sent while the rest is purged
    expect((await db.collection('mailboxes').doc('mbx_big').collection('events').get()).size).toBe(0);
    expect((await db.collection('mailboxes').doc('mbx_big').collection('messages').get()).size).toBe(40);
    expect(await leftovers('mbx_big')).toBeGreaterThan(0);
    expect(release.calls).toEqual(['stop:token-mbx_big', 'revoke:token-mbx_big']);

    const resumed = await resumeMailboxDeletions(deps);
    expect(resumed).toEqual({ examined: 1, deleted: 1, failed: 0 });
    expect(await leftovers('mbx_big')).toBe(0);
    expect(await resumeMailboxDeletions(deps)).toEqual({ examined: 0, deleted: 0, failed: 0 });
  });

  it('goes on when the grant was already revoked, and stays deleting when Google fails otherwise (Gmail emulator)', async () => {
    const gmail = await startGmailEmulator({});
    try {
      const gmailRelease = new GmailApiRelease({
        rootUrl: gmail.endpoints.rootUrl,
        tokenUrl: gmail.endpoints.tokenUrl,
        revokeUrl: gmail.endpoints.revokeUrl,
        ...DEFAULT_CLIENT,
      });
      const deps = { mailboxDeletion: new FirestoreMailboxDeletionStore(db), gmailRelease, box, clock };
      const connected = async (id: string) => {
        const emailAddress = `${id}@example.com`;
        await gmail.admin.createUser(emailAddress);
        const { refresh_token } = await gmail.admin.issueTokens(emailAddress);
        await seedMailbox(id, { emailAddress, refreshToken: refresh_token });
        return emailAddress;
      };

      // the user revoked access in their Google account: nothing is left to stop or revoke
      await gmail.admin.revoke(await connected('mbx_revoked'));
      expect(await deleteMailbox(deps, { workspaceId: 'ws_1', mailboxId: 'mbx_revoked' })).toMatchObject({
        outcome: 'deleted',
      });
      expect(await leftovers('mbx_revoked')).toBe(0);

      await connected('mbx_outage');
      await gmail.admin.setFaults({ failNext: [503] });
      await expect(deleteMailbox(deps, { workspaceId: 'ws_1', mailboxId: 'mbx_outage' })).rejects.toThrow();
      expect((await db.collection('mailboxes').doc('mbx_outage').get()).get('status')).toBe('deleting');
      await gmail.admin.setFaults({ failNext: [503] });
      expect(await resumeMailboxDeletions(deps)).toEqual({ examined: 1, deleted: 0, failed: 1 });
      expect(await resumeMailboxDeletions(deps)).toEqual({ examined: 1, deleted: 1, failed: 0 });
      expect(await leftovers('mbx_outage')).toBe(0);
    } finally {
      await gmail.stop();
    }
  });

  it('leaves the watch and grant of a Gmail address another mailbox also mirrors', async () => {
    await seedMailbox('mbx_shared_1', { emailAddress: 'shared@example.com' });
    await seedMailbox('mbx_shared_2', { emailAddress: 'shared@example.com' });
    const release = recordingRelease();
    const deps = {
      mailboxDeletion: new FirestoreMailboxDeletionStore(db),
      gmailRelease: release,
      box,
      clock,
    };
    await deleteMailbox(deps, { workspaceId: 'ws_1', mailboxId: 'mbx_shared_1' });
    expect(release.calls).toEqual([]);
    expect(await leftovers('mbx_shared_1')).toBe(0);
    expect((await db.collection('credentials').doc('mbx_shared_2').get()).exists).toBe(true);
    await deleteMailbox(deps, { workspaceId: 'ws_1', mailboxId: 'mbx_shared_2' });
    expect(release.calls).toEqual(['stop:token-mbx_shared_2', 'revoke:token-mbx_shared_2']);
  });

  it('connecting the same external ids while the old mailbox is being deleted creates a new mailbox', async () => {
    await seedMailbox('mbx_again');
    await new FirestoreMailboxDeletionStore(db).markDeleting('ws_1', 'mbx_again', clock.now());
    const registry = new FirestoreMailboxRegistry(db, clock, randomIds);
    const connected = await registry.connect({
      workspaceId: 'ws_1',
      tenantExternalId: 't',
      mailboxExternalId: 'mbx_again',
      emailAddress: 'mbx_again@example.com',
      seal: (mailboxId) => box.sealRefreshToken(mailboxId, 'token-new'),
    });
    expect(connected.reconnected).toBe(false);
    expect(connected.mailboxId).not.toBe('mbx_again');
    expect((await db.collection('mailboxes').doc('mbx_again').get()).get('status')).toBe('deleting');
    const deps = {
      mailboxDeletion: new FirestoreMailboxDeletionStore(db),
      gmailRelease: recordingRelease(),
      box,
      clock,
    };
    await deleteMailbox(deps, { workspaceId: 'ws_1', mailboxId: 'mbx_again' });
    expect((await db.collection('credentials').doc(connected.mailboxId).get()).exists).toBe(true);
  });

  it('does not find, and does not touch, a mailbox of another workspace', async () => {
    await seedMailbox('mbx_other');
    const release = recordingRelease();
    const deps = {
      mailboxDeletion: new FirestoreMailboxDeletionStore(db),
      gmailRelease: release,
      box,
      clock,
    };
    expect(await deleteMailbox(deps, { workspaceId: 'ws_2', mailboxId: 'mbx_other' })).toEqual({
      outcome: 'not_found',
    });
    expect((await db.collection('mailboxes').doc('mbx_other').get()).get('status')).toBe('active');
    expect(release.calls).toEqual([]);
  });
});
