import { type Command, Option } from 'commander';
import type { Runner } from '../context.js';
import { limitOption } from '../options.js';

const when = (value: number | string | null | undefined) =>
  value === null || value === undefined
    ? '-'
    : typeof value === 'number'
      ? new Date(value).toISOString()
      : value;

/** `mailboxes list|health` and `deliveries list`: the public API, with an API key. */
export function apiCommands(program: Command, run: Runner): void {
  const mailboxes = program.command('mailboxes').description('the workspace’s mailboxes (API key)');
  run(
    mailboxes.command('list').description('list mailboxes with their sync state').addOption(limitOption()),
    async ({ api, options }) => {
      const page = await api().listMailboxes({ limit: String(options.limit) });
      return {
        json: page,
        text:
          page.data.length === 0
            ? ['no mailboxes']
            : page.data.map(
                (m) =>
                  `${m.id}  ${m.emailAddress}  ${m.status}/${m.syncState}  last sync ${when(m.lastSuccessfulSyncAt)}`,
              ),
      };
    },
  );
  run(
    mailboxes
      .command('health')
      .description('a mailbox’s cursor lag, last sync, last error and backlog')
      .argument('<mailboxId>'),
    async ({ api, options }) => {
      const health = await api().getMailboxHealth({ mailboxId: String(options.mailboxId) });
      return {
        json: health,
        text: [
          `${health.mailboxId}  ${health.status}/${health.syncState}  watch ${health.watchState}`,
          `cursor ${health.cursor ?? '-'}  behind by ${health.cursorLagHistoryIds ?? '-'} history ids  last sync ${when(health.lastSuccessfulSyncAt)}`,
          `events ${health.events.total} (${health.events.pendingFanOut} waiting for fan-out)  deliveries pending ${health.deliveries.pending}, failed ${health.deliveries.failed}`,
          ...(health.lastError ? [`last error: ${JSON.stringify(health.lastError)}`] : []),
        ],
      };
    },
  );

  const deliveries = program.command('deliveries').description('webhook deliveries (API key)');
  run(
    deliveries
      .command('list')
      .description('deliveries, newest first')
      .option('--endpoint-id <id>', 'of one endpoint')
      .addOption(new Option('--state <state>', 'in this state').choices(['pending', 'delivered', 'failed']))
      .addOption(limitOption()),
    async ({ api, options }) => {
      const state = options.state as 'pending' | 'delivered' | 'failed' | undefined;
      const page = await api().listDeliveries({
        limit: String(options.limit),
        ...(options.endpointId ? { endpointId: String(options.endpointId) } : {}),
        ...(state ? { state } : {}),
      });
      return {
        json: page,
        text:
          page.data.length === 0
            ? ['no deliveries']
            : page.data.map(
                (d) =>
                  `${d.id}  ${d.eventType}  ${d.state}${d.failureReason ? ` (${d.failureReason})` : ''}  ${d.attempts} attempts  last ${d.lastStatus ?? '-'}`,
              ),
      };
    },
  );
}
