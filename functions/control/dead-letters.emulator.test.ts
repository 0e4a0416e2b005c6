import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../emulators/stack.js';
import { emulatorHosts, newProjectId } from '../../emulators/testing/index.js';
import { DEAD_LETTER_ATTRIBUTES } from '../../shared/sync/record-dead-letter.js';

const HOUR = 60 * 60 * 1000;

function deadLetter(data: unknown, publishedAt: number, attempts = 20) {
  return {
    message: {
      data: Buffer.from(JSON.stringify(data)).toString('base64'),
      messageId: `dl-${Math.random()}`,
      publishTime: new Date(publishedAt + 1000).toISOString(),
      attributes: {
        [DEAD_LETTER_ATTRIBUTES.deliveryCount]: String(attempts),
        [DEAD_LETTER_ATTRIBUTES.subscription]: 'projects/p/subscriptions/mailmon-sync-push',
        [DEAD_LETTER_ATTRIBUTES.publishTime]: new Date(publishedAt).toISOString(),
      },
    },
    subscription: 'projects/p/subscriptions/mailmon-dead-letter-push',
  };
}

describe('control /dead-letters on the local stack', () => {
  let stack: LocalStack;
  const logs: string[] = [];
  const mailboxes = () => stack.runtime.db.collection('mailboxes');
  const post = (body: unknown) =>
    fetch(`${stack.functionsUrl}/control/dead-letters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const logged = (event: string) => logs.map((l) => JSON.parse(l)).filter((e) => e.event === event);

  beforeAll(async () => {
    stack = await startLocalStack({
      ...emulatorHosts(),
      projectId: newProjectId('deadletter'),
      logWrite: (l) => logs.push(l),
    });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => {
    logs.length = 0;
  });

  const seed = (id: string, fields: Record<string, unknown>) =>
    mailboxes()
      .doc(id)
      .set({
        workspaceId: 'ws',
        emailAddress: `${id}@example.com`,
        status: 'active',
        syncState: 'lagging',
        cursor: '500',
        lastError: { code: 'retry_later', message: 'Gmail throttled', at: 1 },
        ...fields,
      });

  it('marks the mailbox of a dead-lettered sync dispatch failed, keeps its cursor, and logs it for the metric', async () => {
    const now = stack.runtime.clock.now();
    await seed('mbx_dl1', { lastSuccessfulSyncAt: now - 2 * HOUR });
    const response = await post(deadLetter({ mailboxId: 'mbx_dl1', reason: 'gmail_push' }, now - HOUR));
    expect(response.status).toBe(204);
    const mailbox = (await mailboxes().doc('mbx_dl1').get()).data()!;
    expect(mailbox.syncState).toBe('failed');
    expect(mailbox.cursor).toBe('500');
    expect(mailbox.lastError).toMatchObject({ code: 'dispatch_retry_exhausted' });
    expect(mailbox.lastError.message).toContain('after 20 attempts');
    const runs = await mailboxes().doc('mbx_dl1').collection('syncRuns').get();
    expect(runs.docs.map((d) => d.get('outcome'))).toEqual(['dispatch_retry_exhausted']);
    expect(logged('dispatch_dead_lettered')).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        source: 'sync',
        mailboxId: 'mbx_dl1',
        mark: 'marked',
        attempts: 20,
        subscription: 'projects/p/subscriptions/mailmon-sync-push',
        'logging.googleapis.com/labels': { mailboxId: 'mbx_dl1' },
      }),
    ]);
  });

  it('leaves a mailbox alone that synced successfully after the dispatch was published, but still counts the letter', async () => {
    const now = stack.runtime.clock.now();
    await seed('mbx_dl2', { syncState: 'healthy', lastError: null, lastSuccessfulSyncAt: now - 60_000 });
    expect((await post(deadLetter({ mailboxId: 'mbx_dl2' }, now - HOUR))).status).toBe(204);
    const mailbox = (await mailboxes().doc('mbx_dl2').get()).data()!;
    expect(mailbox.syncState).toBe('healthy');
    expect(mailbox.lastError).toBeNull();
    expect(logged('dispatch_dead_lettered')).toEqual([
      expect.objectContaining({ mailboxId: 'mbx_dl2', mark: 'already_synced' }),
    ]);
  });

  it('does not touch a mailbox that is being deleted or does not exist', async () => {
    const now = stack.runtime.clock.now();
    await seed('mbx_dl3', { status: 'deleting' });
    expect((await post(deadLetter({ mailboxId: 'mbx_dl3' }, now))).status).toBe(204);
    expect((await post(deadLetter({ mailboxId: 'mbx_missing' }, now))).status).toBe(204);
    expect((await mailboxes().doc('mbx_dl3').get()).get('syncState')).toBe('lagging');
    expect((await mailboxes().doc('mbx_missing').get()).exists).toBe(false);
    expect(logged('dispatch_dead_lettered').map((e) => e.mark)).toEqual(['not_active', 'not_active']);
  });

  it('counts a dead-lettered Gmail notification and an unreadable letter without marking anything', async () => {
    const now = stack.runtime.clock.now();
    expect((await post(deadLetter({ emailAddress: 'x@example.com', historyId: '9' }, now))).status).toBe(204);
    expect((await post({ message: { data: 'not base64 json!' } })).status).toBe(204);
    expect(logged('dispatch_dead_lettered').map((e) => e.source)).toEqual(['gmail_push', 'unreadable']);
  });

  it('measures the age of the oldest pending delivery on every recover_webhook_deliveries run', async () => {
    const now = stack.runtime.clock.now();
    const deliveries = stack.runtime.db.collection('deliveries');
    await deliveries
      .doc('dlv_old')
      .set({ state: 'pending', createdAt: now - 3 * HOUR, nextAttemptAt: now + HOUR });
    await deliveries
      .doc('dlv_new')
      .set({ state: 'pending', createdAt: now - HOUR, nextAttemptAt: now + HOUR });
    await deliveries
      .doc('dlv_done')
      .set({ state: 'delivered', createdAt: now - 9 * HOUR, nextAttemptAt: null });
    const response = await fetch(`${stack.functionsUrl}/control/jobs/recover_webhook_deliveries`, {
      method: 'POST',
    });
    expect(response.status).toBe(200);
    const [gauge] = logged('delivery_backlog');
    expect(gauge.oldestPendingDeliveryAgeSeconds).toBeGreaterThanOrEqual(3 * 3600);
    expect(gauge.oldestPendingDeliveryAgeSeconds).toBeLessThan(4 * 3600);
  });
});
