import { describeDeliveryStoreContract } from './delivery-store-contract.js';
import { MemoryDeliveryStore } from './memory-delivery-store.js';

describeDeliveryStoreContract('MemoryDeliveryStore', () => {
  const store = new MemoryDeliveryStore();
  return {
    store,
    seed: async (fixture) => store.seed(fixture),
    readDelivery: async (id) => store.deliveries.get(id),
    readAttempts: async (id) => store.attempts.get(id) ?? [],
    readEndpoint: async (id) => store.endpoints.get(id),
    readOperatorEvents: async () => store.operatorEvents,
    readScheduled: async () => store.scheduled,
  };
});
