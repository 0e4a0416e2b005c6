/** A customer workspace: the isolation boundary of every API route. */
export interface Workspace {
  id: string;
  name: string;
  createdAt: number;
}

/** A stored API key. The secret is never stored, only its SHA-256. */
export interface ApiKeyRecord {
  keyId: string;
  workspaceId: string;
  label: string;
  /** The non-secret start of the key (`mm_live_<keyId>`), shown in listings. */
  prefix: string;
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Storage of workspaces and their API keys. */
export interface WorkspaceStore {
  createWorkspace(workspace: Workspace): Promise<void>;
  getWorkspace(id: string): Promise<Workspace | undefined>;
  /** Every workspace, oldest first (operators list them; there are few). */
  listWorkspaces(): Promise<Workspace[]>;
  createApiKey(record: ApiKeyRecord): Promise<void>;
  getApiKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(workspaceId: string): Promise<ApiKeyRecord[]>;
  /** Sets `lastUsedAt`; best effort. */
  touchApiKey(keyId: string, at: number): Promise<void>;
  /** Sets `revokedAt` if the key belongs to the workspace; returns whether it did. */
  revokeApiKey(workspaceId: string, keyId: string, at: number): Promise<boolean>;
}
