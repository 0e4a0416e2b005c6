import { describe, expect, it } from 'vitest';
import { endpointTakes, subscriptionMatches } from './model.js';

const endpoint = { id: 'we_1', status: 'enabled' as const, eventTypes: [], mailboxIds: [] };
const created = { type: 'message.created', mailboxId: 'mbx_1' };

describe('routing events to endpoints', () => {
  it('matches a subscription by mailbox and type, with "all" for either', () => {
    expect(subscriptionMatches({ mailboxIds: 'all', eventTypes: 'all' }, created)).toBe(true);
    expect(subscriptionMatches({ mailboxIds: ['mbx_1'], eventTypes: ['message.created'] }, created)).toBe(
      true,
    );
    expect(subscriptionMatches({ mailboxIds: ['mbx_2'], eventTypes: 'all' }, created)).toBe(false);
    expect(subscriptionMatches({ mailboxIds: 'all', eventTypes: ['message.deleted'] }, created)).toBe(false);
  });

  it('routes by the endpoint’s own filter while it has no subscription', () => {
    expect(endpointTakes(endpoint, [], created)).toBe(true);
    expect(endpointTakes({ ...endpoint, eventTypes: ['message.deleted'] }, [], created)).toBe(false);
    expect(endpointTakes({ ...endpoint, mailboxIds: ['mbx_1'] }, [], created)).toBe(true);
  });

  it('routes by any of its subscriptions once it has one, ignoring other endpoints’ subscriptions', () => {
    const onlyDeletes = {
      endpointId: 'we_1',
      mailboxIds: 'all' as const,
      eventTypes: ['message.deleted' as const],
    };
    const elsewhere = { endpointId: 'we_2', mailboxIds: 'all' as const, eventTypes: 'all' as const };
    expect(endpointTakes(endpoint, [onlyDeletes, elsewhere], created)).toBe(false);
    expect(endpointTakes(endpoint, [onlyDeletes, elsewhere], { ...created, type: 'message.deleted' })).toBe(
      true,
    );
    const second = { endpointId: 'we_1', mailboxIds: ['mbx_1'], eventTypes: 'all' as const };
    expect(endpointTakes(endpoint, [onlyDeletes, second], created)).toBe(true);
  });

  it('sends nothing to a disabled endpoint', () => {
    const all = { endpointId: 'we_1', mailboxIds: 'all' as const, eventTypes: 'all' as const };
    expect(endpointTakes({ ...endpoint, status: 'disabled' }, [all], created)).toBe(false);
  });
});
