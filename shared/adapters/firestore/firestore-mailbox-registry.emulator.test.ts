import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { beginConsent } from '../../connect/begin-consent.js';
import { completeConnect } from '../../connect/complete-connect.js';
import { createConnectSession } from '../../connect/create-connect-session.js';
import { ManualClock } from '../../core/clock.js';
import { NonRetryableError } from '../../core/errors.js';
import { randomIds } from '../../core/ids.js';
import { CredentialBox } from '../../secrets/credentials.js';
import { LocalKeyWrapper } from '../local-key-wrapper/local-key-wrapper.js';
import { FirestoreConnectSessionStore } from './firestore-connect-session-store.js';
import { FirestoreMailboxRegistry } from './firestore-mailbox-registry.js';

const db = testFirestore(newProjectId('mailbox-registry'));
afterAll(() => db.terminate());

const clock = new ManualClock(Date.UTC(2026, 5, 1));
const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
const registry = new FirestoreMailboxRegistry(db, clock, randomIds);

async function connect(mailboxExternalId: string, emailAddress: string, token: string) {
  return registry.connect({
    workspaceId: 'ws_1',
    tenantExternalId: 't',
    mailboxExternalId,
    emailAddress,
    seal: (mailboxId) => box.sealRefreshToken(mailboxId, token),
  });
}

/** The mailbox, its credential and its events as stored. */
async function stored(mailboxId: string) {
  const mailbox = db.collection('mailboxes').doc(mailboxId);
  return {
    mailbox: (await mailbox.get()).data(),
    credential: (await db.collection('credentials').doc(mailboxId).get()).data(),
    events: (await mailbox.collection('events').orderBy('seq').get()).docs.map((d) => d.data()),
  };
}

describe('FirestoreMailboxRegistry', () => {
  it('reconnects the same external ids and address to the same mailbox, keeping its cursor', async () => {
    const first = await connect('inbox-a', 'ada@example.com', 'token-1');
    expect(first.reconnected).toBe(false);
    await db
      .collection('mailboxes')
      .doc(first.mailboxId)
      .update({ cursor: '500', status: 'reconnect_required' });
    const again = await connect('inbox-a', 'ada@example.com', 'token-2');
    expect(again).toEqual({ mailboxId: first.mailboxId, reconnected: true });
    const { mailbox, credential, events } = await stored(first.mailboxId);
    expect(mailbox).toMatchObject({ cursor: '500', status: 'active', nextSeq: 3 });
    expect(credential).not.toHaveProperty('credentialKey');
    expect(await box.openRefreshToken(first.mailboxId, { sealed: credential!.sealedRefreshToken })).toBe(
      'token-2',
    );
    expect(events.map((e) => [e.seq, e.type, e.data.reconnected])).toEqual([
      [1, 'mailbox.connected', false],
      [2, 'mailbox.connected', true],
    ]);
  });

  it('refuses the same external ids for another Gmail address with mailbox_mismatch, and writes nothing', async () => {
    const { mailboxId } = await connect('inbox-b', 'ada@example.com', 'token-ada');
    const before = await stored(mailboxId);
    const refused = await connect('inbox-b', 'grace@example.com', 'token-grace').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(NonRetryableError);
    expect(refused).toMatchObject({ code: 'mailbox_mismatch' });
    expect(await stored(mailboxId)).toEqual(before);
    const all = await db.collection('mailboxes').where('mailboxExternalId', '==', 'inbox-b').get();
    expect(all.size).toBe(1);
  });

  it('makes the connect flow fail as mailbox_mismatch, with the session marked failed', async () => {
    await connect('inbox-c', 'ada@example.com', 'token-ada');
    const sessions = new FirestoreConnectSessionStore(db);
    const deps = {
      sessions,
      clock,
      ids: randomIds,
      apiBaseUrl: 'http://api.test',
      oauth: {
        authorizeUrl: ({ state }: { state: string }) => `http://consent.test/?state=${state}`,
        exchangeCode: async () => ({
          refreshToken: 'token-grace',
          emailAddress: 'grace@example.com',
          scopes: [],
        }),
        revokeGrant: async () => undefined,
      },
      sealer: box,
      mailboxes: registry,
      watcher: { watch: () => Promise.reject(new Error('no watch expected')) },
      dispatcher: { dispatchSync: () => Promise.reject(new Error('no dispatch expected')) },
    };
    const session = await createConnectSession(deps, 'ws_1', {
      tenantExternalId: 't',
      mailboxExternalId: 'inbox-c',
    });
    const begun = await beginConsent(deps, session.id);
    const state = new URL((begun as { redirectTo: string }).redirectTo).searchParams.get('state')!;
    expect(await completeConnect(deps, { state, code: 'code' })).toMatchObject({
      failed: 'mailbox_mismatch',
    });
    expect(await sessions.get(session.id)).toMatchObject({ status: 'failed', failure: 'mailbox_mismatch' });
  });
});
