import type { Firestore } from '@google-cloud/firestore';
import type { ConnectedMailbox, MailboxRegistry } from '../../connect/ports.js';
import type { Clock } from '../../core/clock.js';
import { NonRetryableError } from '../../core/errors.js';
import { deterministicId, type Ids } from '../../core/ids.js';
import { eventDocument } from './event-documents.js';

/**
 * {@link MailboxRegistry} on Firestore. The mailbox (`mailboxes/{id}`) and its sealed credential
 * (`credentials/{id}`, sealed for that id inside the transaction once the id is known) are written in one
 * transaction, so a mailbox never exists without a credential.
 */
export class FirestoreMailboxRegistry implements MailboxRegistry {
  constructor(
    private readonly db: Firestore,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {}

  async connect(input: Parameters<MailboxRegistry['connect']>[0]): Promise<ConnectedMailbox> {
    const mailboxes = this.db.collection('mailboxes');
    return this.db.runTransaction(async (tx) => {
      const existing = await tx.get(
        mailboxes
          .where('workspaceId', '==', input.workspaceId)
          .where('tenantExternalId', '==', input.tenantExternalId)
          .where('mailboxExternalId', '==', input.mailboxExternalId),
      );
      const now = this.clock.now();
      // a mailbox being deleted is let go; connecting again starts a new one
      const found = existing.docs.find((d) => d.get('status') !== 'deleting');
      if (found) {
        if (found.get('emailAddress') !== input.emailAddress) {
          throw new NonRetryableError(
            'The mailbox is connected to a different Gmail address',
            'mailbox_mismatch',
          );
        }
        const sealedRefreshToken = await input.seal(found.id);
        // the cursor is kept: sync resumes from where it stopped
        const seq = (found.get('nextSeq') as number | undefined) ?? 1;
        this.connectedEvent(tx, found.id, input, seq, now, true);
        tx.update(found.ref, {
          status: 'active',
          lastError: null,
          reconnectedAt: now,
          updatedAt: now,
          nextSeq: seq + 1,
        });
        tx.set(this.db.collection('credentials').doc(found.id), { sealedRefreshToken, updatedAt: now });
        return { mailboxId: found.id, reconnected: true };
      }
      const mailboxId = this.ids.random('mbx');
      const sealedRefreshToken = await input.seal(mailboxId);
      tx.create(mailboxes.doc(mailboxId), {
        workspaceId: input.workspaceId,
        tenantExternalId: input.tenantExternalId,
        mailboxExternalId: input.mailboxExternalId,
        emailAddress: input.emailAddress,
        status: 'active',
        syncState: 'initializing',
        watchState: 'none',
        watchExpiresAt: null,
        cursor: null,
        lastSuccessfulSyncAt: null,
        lastError: null,
        nextSeq: 2,
        createdAt: now,
        updatedAt: now,
      });
      this.connectedEvent(tx, mailboxId, input, 1, now, false);
      tx.create(this.db.collection('credentials').doc(mailboxId), { sealedRefreshToken, updatedAt: now });
      return { mailboxId, reconnected: false };
    });
  }

  private connectedEvent(
    tx: FirebaseFirestore.Transaction,
    mailboxId: string,
    input: Parameters<MailboxRegistry['connect']>[0],
    seq: number,
    now: number,
    reconnected: boolean,
  ): void {
    const id = deterministicId('evt', mailboxId, 'mailbox.connected', String(seq));
    tx.set(
      this.db.collection('mailboxes').doc(mailboxId).collection('events').doc(id),
      eventDocument(
        {
          id,
          type: 'mailbox.connected',
          schemaVersion: 1,
          occurredAt: new Date(now).toISOString(),
          workspaceId: input.workspaceId,
          tenantExternalId: input.tenantExternalId,
          mailboxId,
          data: {
            mailboxId,
            emailAddress: input.emailAddress,
            mailboxExternalId: input.mailboxExternalId,
            reconnected,
          },
        },
        seq,
      ),
    );
  }

  async isAddressMirrored(emailAddress: string): Promise<boolean> {
    const snap = await this.db
      .collection('mailboxes')
      .where('emailAddress', '==', emailAddress)
      .select('status')
      .get();
    return snap.docs.some((d) => d.get('status') !== 'deleting');
  }

  async recordWatch(mailboxId: string, watch: { historyId: string; expiresAt: number }): Promise<void> {
    await this.db.collection('mailboxes').doc(mailboxId).update({
      watchState: 'active',
      watchExpiresAt: watch.expiresAt,
      watchHistoryId: watch.historyId,
      updatedAt: this.clock.now(),
    });
  }
}
