import type { ApiKeyRecord, Workspace, WorkspaceStore } from '../ports.js';

/** In-memory {@link WorkspaceStore} for domain tests. */
export class MemoryWorkspaceStore implements WorkspaceStore {
  readonly workspaces = new Map<string, Workspace>();
  readonly keys = new Map<string, ApiKeyRecord>();
  async createWorkspace(w: Workspace) {
    this.workspaces.set(w.id, { ...w });
  }
  async getWorkspace(id: string) {
    const w = this.workspaces.get(id);
    return w && { ...w };
  }
  async listWorkspaces() {
    return [...this.workspaces.values()].sort((a, b) => a.createdAt - b.createdAt).map((w) => ({ ...w }));
  }
  async createApiKey(r: ApiKeyRecord) {
    this.keys.set(r.keyId, { ...r });
  }
  async getApiKey(keyId: string) {
    const r = this.keys.get(keyId);
    return r && { ...r };
  }
  async listApiKeys(workspaceId: string) {
    return [...this.keys.values()]
      .filter((k) => k.workspaceId === workspaceId)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((k) => ({ ...k }));
  }
  async touchApiKey(keyId: string, at: number) {
    const r = this.keys.get(keyId);
    if (r) r.lastUsedAt = at;
  }
  async revokeApiKey(workspaceId: string, keyId: string, at: number) {
    const r = this.keys.get(keyId);
    if (!r || r.workspaceId !== workspaceId) return false;
    r.revokedAt ??= at;
    return true;
  }
}
