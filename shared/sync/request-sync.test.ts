import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { MailboxSyncState } from './model.js';
import { handleGmailNotification, type MailboxDirectory } from './request-sync.js';
import { MemorySyncStore } from './testing/memory-sync-store.js';

function setup(mailboxes: Partial<MailboxSyncState>[], failPublish = false) {
  const store = new MemorySyncStore();
  for (const [i, m] of mailboxes.entries())
    store.addMailbox({ id: `mbx_${i}`, emailAddress: 'ada@example.com', ...m });
  const failures: { mailboxId: string; message: string }[] = [];
  const directory: MailboxDirectory = {
    findActiveByEmail: async (email) =>
      [...store.mailboxes.values()]
        .map((d) => d.state)
        .filter((s) => s.emailAddress === email && s.status === 'active'),
    recordDispatchFailure: async (mailboxId, _at, message) => void failures.push({ mailboxId, message }),
  };
  const dispatched: unknown[] = [];
  const dispatcher = {
    dispatchSync: async (r: unknown) => {
      if (failPublish) throw new Error('publish failed after retries');
      dispatched.push(r);
    },
  };
  return { deps: { directory, store, dispatcher, clock: new ManualClock() }, store, dispatched, failures };
}

describe('handleGmailNotification', () => {
  it('dispatches every active mailbox of the address whose cursor is behind the hint, and records the hint', async () => {
    const t = setup([{ cursor: '100' }, { cursor: '300' }, { cursor: '100', status: 'reconnect_required' }]);
    const result = await handleGmailNotification(t.deps, {
      emailAddress: 'Ada@Example.com',
      historyId: '200',
    });
    expect(result).toEqual({ mailboxes: 2, dispatched: 1, stale: 1 });
    expect(t.dispatched).toEqual([{ mailboxId: 'mbx_0', reason: 'gmail_push', hintHistoryId: '200' }]);
    expect(t.store.data('mbx_0').state).toMatchObject({ dirty: true, hintHistoryId: '200' });
    expect(t.store.data('mbx_1').state.dirty).toBe(false);
  });

  it('always dispatches a mailbox that has no cursor yet or an unfinished full sync', async () => {
    const unfinished = {
      startHistoryId: '400',
      pageToken: 'page-2',
      generation: 2,
      phase: 'listing' as const,
      reason: 'history_expired' as const,
    };
    // the hint is behind both cursors, so neither is dispatched for being behind
    const t = setup([{ cursor: null }, { cursor: '500', fullSync: unfinished }, { cursor: '500' }]);
    const result = await handleGmailNotification(t.deps, { emailAddress: 'ada@example.com', historyId: '1' });
    expect(result).toEqual({ mailboxes: 3, dispatched: 2, stale: 1 });
    expect(t.dispatched).toEqual([
      { mailboxId: 'mbx_0', reason: 'gmail_push', hintHistoryId: '1' },
      { mailboxId: 'mbx_1', reason: 'gmail_push', hintHistoryId: '1' },
    ]);
  });

  it('records an exhausted dispatch on the mailbox before failing, so the push is redelivered', async () => {
    const t = setup([{ cursor: '1' }], true);
    await expect(
      handleGmailNotification(t.deps, { emailAddress: 'ada@example.com', historyId: '9' }),
    ).rejects.toThrow('publish failed');
    expect(t.failures).toEqual([{ mailboxId: 'mbx_0', message: 'publish failed after retries' }]);
  });
});
