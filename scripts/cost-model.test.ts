import { describe, expect, it } from 'vitest';
import { costTables, deliveryCosts, PRICES, syncCosts } from './cost-model.js';

const sync = {
  firestoreReads: 1.5,
  firestoreWrites: 2.5,
  gmailUnits: 5,
  messages: 2000,
  measuredAt: 'today',
};
const delivery = {
  fanOutReads: 1,
  fanOutWrites: 2,
  attemptReads: 4,
  attemptWrites: 5,
  tasks: 1.25,
  cpuMs: 10,
  measuredAt: 'today',
};

describe('the cost model', () => {
  it('prices 1M synced messages from the measured operation counts, with function time paced to the quota', () => {
    const lines = Object.fromEntries(syncCosts(sync, 6_000, 2_000).map((l) => [l.item.split(' (')[0], l]));
    expect(lines['Firestore reads']?.usd).toBeCloseTo(1.5e6 * PRICES.firestoreRead, 6);
    expect(lines['Firestore writes']?.perMillion).toBe(2.5e6);
    // 5 units a message at 100 units a second: 50,000 s of one function instance
    expect(lines['syncMailbox time']?.perMillion).toBe(50_000);
    expect(lines['syncMailbox requests']?.perMillion).toBe(500);
  });

  it('prices 1M deliveries from fan-out and attempt counts, tasks and CPU', () => {
    const lines = Object.fromEntries(deliveryCosts(delivery).map((l) => [l.item, l]));
    expect(lines['Firestore reads']?.perMillion).toBe(5e6);
    expect(lines['Firestore writes']?.perMillion).toBe(7e6);
    expect(lines['Cloud Tasks tasks']?.perMillion).toBe(1.25e6);
    expect(lines['deliverWebhook CPU (s)']?.perMillion).toBe(10_000);
  });

  it('prints both tables with their totals', () => {
    const text = costTables({ sync, delivery });
    expect(text).toContain('Per 1M messages of initial sync');
    expect(text).toContain('Per 1M webhook deliveries');
    expect(text.match(/\*\*total\*\*/g)).toHaveLength(2);
  });
});
