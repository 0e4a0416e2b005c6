import type { Firestore } from '@google-cloud/firestore';
import type { Subscription } from '../../webhooks/subscriptions/model.js';
import type { SubscriptionStore } from '../../webhooks/subscriptions/ports.js';

/** {@link SubscriptionStore} on Firestore: `subscriptions/{id}`, each carrying its `workspaceId`. */
export class FirestoreSubscriptionStore implements SubscriptionStore {
  constructor(private readonly db: Firestore) {}

  private collection() {
    return this.db.collection('subscriptions');
  }

  async create(subscription: Subscription): Promise<void> {
    await this.collection().doc(subscription.id).create(subscription);
  }

  async get(workspaceId: string, id: string): Promise<Subscription | undefined> {
    const snap = await this.collection().doc(id).get();
    return snap.exists && snap.get('workspaceId') === workspaceId ? (snap.data() as Subscription) : undefined;
  }

  async list(workspaceId: string, filter: { endpointId?: string } = {}): Promise<Subscription[]> {
    let query = this.collection().where('workspaceId', '==', workspaceId);
    if (filter.endpointId) query = query.where('endpointId', '==', filter.endpointId);
    const snap = await query.get();
    return snap.docs
      .map((d) => d.data() as Subscription)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async update(
    workspaceId: string,
    id: string,
    fields: Partial<Pick<Subscription, 'mailboxIds' | 'eventTypes' | 'updatedAt'>>,
  ): Promise<boolean> {
    const ref = this.collection().doc(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('workspaceId') !== workspaceId) return false;
      tx.update(ref, fields);
      return true;
    });
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const ref = this.collection().doc(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('workspaceId') !== workspaceId) return false;
      tx.delete(ref);
      return true;
    });
  }

  async deleteForEndpoint(workspaceId: string, endpointId: string): Promise<number> {
    const snap = await this.collection()
      .where('workspaceId', '==', workspaceId)
      .where('endpointId', '==', endpointId)
      .get();
    const batch = this.db.batch();
    for (const d of snap.docs) batch.delete(d.ref);
    await batch.commit();
    return snap.size;
  }
}
