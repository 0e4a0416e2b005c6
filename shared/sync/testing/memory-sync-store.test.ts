import { MemorySyncStore } from './memory-sync-store.js';
import { describeSyncStoreContract } from './sync-store-contract.js';

describeSyncStoreContract('MemorySyncStore', async () => {
  const store = new MemorySyncStore();
  return {
    store,
    addMailbox: async (id) => store.addMailbox({ id }),
    markDeleting: async (id) => {
      store.data(id).state.status = 'deleting';
    },
    events: async (id) => [...store.data(id).events],
    messageIds: async (id) => [...store.data(id).messages.keys()].sort(),
    runs: async (id) => store.runs.filter((r) => r.mailboxId === id),
  };
});
