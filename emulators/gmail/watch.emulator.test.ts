import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorHosts, newProjectId, testPubSub } from '../testing/index.js';
import type { GmailNotification } from './notifier.js';
import { type GmailEmulator, startGmailEmulator } from './server.js';
import { failure, gmailClient } from './test-helpers.js';

const EMAIL = 'alice@example.com';
const projectId = newProjectId('gmail');
const topicName = `projects/${projectId}/topics/gmail-push`;

let pubsub: PubSub;
let subscription: Subscription;
let emulator: GmailEmulator;
const received: GmailNotification[] = [];
let onMessage: () => void = () => {};

beforeAll(async () => {
  pubsub = testPubSub(projectId);
  const [topic] = await pubsub.createTopic('gmail-push');
  [subscription] = await topic.createSubscription('gmail-pull');
  subscription.on('message', (message: Message) => {
    received.push(JSON.parse(message.data.toString('utf8')) as GmailNotification);
    message.ack();
    onMessage();
  });
  emulator = await startGmailEmulator({ pubsub: { apiEndpoint: emulatorHosts().pubsubHost, projectId } });
  await emulator.admin.createUser(EMAIL);
});

afterAll(async () => {
  await subscription?.close();
  await emulator?.stop();
  await pubsub?.close();
});

function nextMessage(): Promise<void> {
  return new Promise((resolve) => {
    onMessage = resolve;
  });
}

describe('watch notifications through the Pub/Sub emulator', () => {
  it('publishes base64 JSON {emailAddress, historyId} to the watched topic when a message arrives', async () => {
    const tokens = await emulator.admin.issueTokens(EMAIL);
    const gmail = gmailClient(emulator, tokens.access_token);
    const watch = await gmail.users.watch({ userId: 'me', requestBody: { topicName, labelIds: ['INBOX'] } });
    expect(Number(watch.data.expiration)).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);

    const arrived = nextMessage();
    const response = await fetch(`${emulator.url}/__admin/users/${EMAIL}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'bob@example.com', to: EMAIL, subject: 'Ping', text: 'pong' }),
    });
    const added = (await response.json()) as { historyId: string };
    await arrived;
    expect(received).toEqual([{ emailAddress: EMAIL, historyId: Number(added.historyId) }]);
    expect(Number(added.historyId)).toBeGreaterThan(Number(watch.data.historyId));
  });

  it('refuses to watch a topic that does not exist on the emulator', async () => {
    const tokens = await emulator.admin.issueTokens(EMAIL);
    const missing = await failure(
      gmailClient(emulator, tokens.access_token).users.watch({
        userId: 'me',
        requestBody: { topicName: `projects/${projectId}/topics/missing` },
      }),
    );
    expect(missing.status).toBe(404);
  });
});
