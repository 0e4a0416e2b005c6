import { afterAll } from 'vitest';
import { clearFirestore, newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { describeConnectSessionStoreContract } from '../../connect/testing/connect-session-store-contract.js';
import { describeWorkspaceStoreContract } from '../../workspaces/testing/workspace-store-contract.js';
import { FirestoreConnectSessionStore } from './firestore-connect-session-store.js';
import { FirestoreWorkspaceStore } from './firestore-workspace-store.js';

const projectId = newProjectId('api-stores');
const db = testFirestore(projectId);
afterAll(() => db.terminate());

async function fresh() {
  await clearFirestore(projectId);
  return db;
}

describeWorkspaceStoreContract(
  'FirestoreWorkspaceStore',
  async () => new FirestoreWorkspaceStore(await fresh()),
);
describeConnectSessionStoreContract(
  'FirestoreConnectSessionStore',
  async () => new FirestoreConnectSessionStore(await fresh()),
);
