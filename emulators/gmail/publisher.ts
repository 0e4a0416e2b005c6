import { PubSub, type Topic } from '@google-cloud/pubsub';

/** Where watch notifications go. */
export interface NotificationPublisher {
  /** Publishes one message with `data` to `topicName` (`projects/P/topics/T`). */
  publish(topicName: string, data: Buffer): Promise<void>;
  /** Whether the topic exists; `users.watch` answers 404 for a missing topic when this is known. */
  topicExists?(topicName: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Connection to a Pub/Sub emulator. */
export interface PubSubTarget {
  /** `host:port` of the Pub/Sub emulator. */
  apiEndpoint: string;
  /** Project of the client; topics are addressed by their full name, so any project's topic can be used. */
  projectId?: string | undefined;
}

/** Publishes through `@google-cloud/pubsub` to a Pub/Sub emulator. */
export function pubSubPublisher(target: PubSubTarget): NotificationPublisher {
  const pubsub = new PubSub({
    projectId: target.projectId ?? 'gmail-emulator',
    apiEndpoint: target.apiEndpoint,
    emulatorMode: true,
  });
  const topics = new Map<string, Topic>();
  const topicOf = (name: string) => {
    let topic = topics.get(name);
    if (!topic) {
      // one message per publish call: a notification should not wait for a batch to fill
      topic = pubsub.topic(name, { batching: { maxMessages: 1, maxMilliseconds: 1 } });
      topics.set(name, topic);
    }
    return topic;
  };
  return {
    async publish(topicName, data) {
      await topicOf(topicName).publishMessage({ data });
    },
    async topicExists(topicName) {
      const [exists] = await topicOf(topicName).exists();
      return exists;
    },
    async close() {
      await pubsub.close();
    },
  };
}

/** Publishes nowhere; notifications are still recorded in the emulator's notification log. */
export const nullPublisher: NotificationPublisher = {
  publish: async () => {},
  close: async () => {},
};
