import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { SyncDispatcher } from '../../sync/request-sync.js';

/**
 * {@link SyncDispatcher} on Pub/Sub: publishes `{mailboxId, reason, hintHistoryId}` as JSON to the sync
 * topic, with the mailbox id as an attribute for filtering and tracing. The client retries publishes itself.
 */
export class PubSubDispatcher implements SyncDispatcher {
  private readonly topic: Topic;

  constructor(pubsub: PubSub, topicName: string) {
    this.topic = pubsub.topic(topicName, { batching: { maxMessages: 1, maxMilliseconds: 0 } });
  }

  async dispatchSync(request: { mailboxId: string; reason: string; hintHistoryId?: string }): Promise<void> {
    await this.topic.publishMessage({
      json: request,
      attributes: { mailboxId: request.mailboxId, reason: request.reason },
    });
  }
}
