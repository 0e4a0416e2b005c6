import type { Firestore } from '@google-cloud/firestore';
import type { MailmonEvent } from '../../events/event.js';
import type { SealedSecret } from '../../secrets/ports.js';
import type { Delivery, DeliveryAttempt, WebhookEndpoint } from '../../webhooks/model.js';
import type { DeliveryFilter, WebhookStore } from '../../webhooks/ports.js';
import type { EndpointSecretStore, StoredEndpointSecrets } from '../../webhooks/rewrap-endpoint-secrets.js';
import { eventOf } from './event-documents.js';
import { inCollection, pageNewestFirst } from './page-newest-first.js';
import { expireAtFor } from './retention.js';

/** {@link WebhookStore} on Firestore: `webhookEndpoints/{id}`, `deliveries/{id}` with `attempts/{n}`. */
export class FirestoreWebhookStore implements WebhookStore, EndpointSecretStore {
  constructor(private readonly db: Firestore) {}

  private endpoints() {
    return this.db.collection('webhookEndpoints');
  }
  private deliveries() {
    return this.db.collection('deliveries');
  }

  async *listSecrets(): AsyncIterable<StoredEndpointSecrets> {
    let last: string | undefined;
    for (;;) {
      let query = this.endpoints().orderBy('__name__').limit(200);
      if (last) query = query.startAfter(last);
      const snap = await query.get();
      for (const d of snap.docs)
        yield {
          endpointId: d.id,
          sealed: ((d.get('secrets') ?? []) as WebhookEndpoint['secrets']).map((s) => s.sealed),
        };
      if (snap.size < 200) return;
      last = snap.docs[snap.docs.length - 1]!.id;
    }
  }

  async replaceSecrets(endpointId: string, expected: SealedSecret[], next: SealedSecret[]): Promise<boolean> {
    const ref = this.endpoints().doc(endpointId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) return false;
      const secrets = (snap.get('secrets') ?? []) as WebhookEndpoint['secrets'];
      const same =
        secrets.length === expected.length &&
        secrets.every((s, i) => s.sealed.wrappedKey === expected[i]!.wrappedKey);
      if (!same) return false;
      tx.update(ref, { secrets: secrets.map((s, i) => ({ ...s, sealed: next[i]! })) });
      return true;
    });
  }

  async createEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.endpoints().doc(endpoint.id).create(endpoint);
  }

  async getEndpoint(workspaceId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const snap = await this.endpoints().doc(id).get();
    return snap.exists && snap.get('workspaceId') === workspaceId
      ? (snap.data() as WebhookEndpoint)
      : undefined;
  }

  async listEndpoints(workspaceId: string): Promise<WebhookEndpoint[]> {
    const snap = await this.endpoints()
      .where('workspaceId', '==', workspaceId)
      .orderBy('createdAt', 'desc')
      .get();
    return snap.docs.map((d) => d.data() as WebhookEndpoint);
  }

  async updateEndpoint(
    workspaceId: string,
    id: string,
    fields: Partial<WebhookEndpoint>,
    unless?: (current: WebhookEndpoint) => boolean,
  ): Promise<boolean> {
    const ref = this.endpoints().doc(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('workspaceId') !== workspaceId) return false;
      if (unless?.(snap.data() as WebhookEndpoint)) return false;
      tx.update(ref, fields);
      return true;
    });
  }

  async deleteEndpoint(workspaceId: string, id: string): Promise<boolean> {
    const ref = this.endpoints().doc(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('workspaceId') !== workspaceId) return false;
      tx.delete(ref);
      return true;
    });
  }

  async pendingEvents(limit: number, mailboxId?: string): Promise<MailmonEvent[]> {
    const query = mailboxId
      ? this.db
          .collection('mailboxes')
          .doc(mailboxId)
          .collection('events')
          .where('fanout', '==', 'pending')
          .orderBy('seq')
      : this.db.collectionGroup('events').where('fanout', '==', 'pending');
    const snap = await query.limit(limit).get();
    return snap.docs
      .map((d) => eventOf(d.data()))
      .sort((a, b) => a.mailboxId.localeCompare(b.mailboxId) || a.seq - b.seq);
  }

  async closedMailboxes(mailboxIds: string[]): Promise<Set<string>> {
    if (mailboxIds.length === 0) return new Set();
    const snaps = await this.db.getAll(...mailboxIds.map((id) => this.db.collection('mailboxes').doc(id)));
    return new Set(snaps.filter((s) => s.get('status') === 'deleting').map((s) => s.id));
  }

  async commitFanOut(event: MailmonEvent, deliveries: Delivery[]): Promise<boolean> {
    const ref = this.db.collection('mailboxes').doc(event.mailboxId).collection('events').doc(event.id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('fanout') !== 'pending') return false;
      for (const d of deliveries)
        tx.set(this.deliveries().doc(d.id), {
          ...d,
          expireAt: expireAtFor(d.createdAt),
        });
      tx.update(ref, { fanout: 'done', deliveries: deliveries.length });
      return true;
    });
  }

  async getDelivery(id: string): Promise<Delivery | undefined> {
    const snap = await this.deliveries().doc(id).get();
    if (!snap.exists) return undefined;
    const { expireAt: _ttl, ...delivery } = snap.data() as Delivery & { expireAt: unknown };
    return delivery;
  }

  async overdueDeliveries(before: number, limit: number): Promise<Delivery[]> {
    const snap = await this.deliveries()
      .where('state', '==', 'pending')
      .where('nextAttemptAt', '<', before)
      .orderBy('nextAttemptAt')
      .limit(limit)
      .get();
    return snap.docs.map((d) => d.data() as Delivery);
  }

  async listDeliveries(
    workspaceId: string,
    filter: DeliveryFilter,
    limit: number,
    after?: string,
  ): Promise<{ data: Delivery[]; next: string | null }> {
    let query = this.deliveries().where('workspaceId', '==', workspaceId);
    for (const field of ['endpointId', 'eventId', 'state', 'replayId'] as const)
      if (filter[field]) query = query.where(field, '==', filter[field]);
    const page = await pageNewestFirst(this.db, query, {
      field: 'createdAt',
      limit,
      after,
      belongs: inCollection('deliveries'),
    });
    return {
      data: page.docs.map((d) => {
        const { expireAt: _ttl, ...delivery } = d.data() as Delivery & { expireAt: unknown };
        return delivery;
      }),
      next: page.next,
    };
  }

  async listAttempts(deliveryId: string): Promise<DeliveryAttempt[]> {
    const snap = await this.deliveries().doc(deliveryId).collection('attempts').get();
    return snap.docs
      .map((d) => {
        const { expireAt: _ttl, ...attempt } = d.data();
        return attempt as DeliveryAttempt;
      })
      .sort((a, b) => a.attempt - b.attempt);
  }
}
