import { describeConnectSessionStoreContract } from '../connect/testing/connect-session-store-contract.js';
import { MemoryConnectSessionStore } from '../connect/testing/memory-connect-session-store.js';
import { MemoryWorkspaceStore } from './testing/memory-workspace-store.js';
import { describeWorkspaceStoreContract } from './testing/workspace-store-contract.js';

describeWorkspaceStoreContract('MemoryWorkspaceStore', () => new MemoryWorkspaceStore());
describeConnectSessionStoreContract('MemoryConnectSessionStore', () => new MemoryConnectSessionStore());
