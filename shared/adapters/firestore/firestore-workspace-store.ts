import type { Firestore } from '@google-cloud/firestore';
import type { ApiKeyRecord, Workspace, WorkspaceStore } from '../../workspaces/ports.js';

/** {@link WorkspaceStore} on Firestore: `workspaces/{id}` and `apiKeys/{keyId}`. */
export class FirestoreWorkspaceStore implements WorkspaceStore {
  constructor(private readonly db: Firestore) {}

  async createWorkspace(workspace: Workspace): Promise<void> {
    await this.db.collection('workspaces').doc(workspace.id).create(workspace);
  }

  async getWorkspace(id: string): Promise<Workspace | undefined> {
    const snap = await this.db.collection('workspaces').doc(id).get();
    return snap.exists ? (snap.data() as Workspace) : undefined;
  }

  async listWorkspaces(): Promise<Workspace[]> {
    const snap = await this.db.collection('workspaces').orderBy('createdAt').get();
    return snap.docs.map((d) => d.data() as Workspace);
  }

  async createApiKey(record: ApiKeyRecord): Promise<void> {
    await this.db.collection('apiKeys').doc(record.keyId).create(record);
  }

  async getApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const snap = await this.db.collection('apiKeys').doc(keyId).get();
    return snap.exists ? (snap.data() as ApiKeyRecord) : undefined;
  }

  async listApiKeys(workspaceId: string): Promise<ApiKeyRecord[]> {
    const snap = await this.db
      .collection('apiKeys')
      .where('workspaceId', '==', workspaceId)
      .orderBy('createdAt', 'desc')
      .get();
    return snap.docs.map((d) => d.data() as ApiKeyRecord);
  }

  async touchApiKey(keyId: string, at: number): Promise<void> {
    await this.db.collection('apiKeys').doc(keyId).update({ lastUsedAt: at });
  }

  async revokeApiKey(workspaceId: string, keyId: string, at: number): Promise<boolean> {
    const ref = this.db.collection('apiKeys').doc(keyId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('workspaceId') !== workspaceId) return false;
      if (snap.get('revokedAt') === null) tx.update(ref, { revokedAt: at });
      return true;
    });
  }
}
