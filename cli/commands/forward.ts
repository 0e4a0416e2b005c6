import { type Command, Option } from 'commander';
import type { MailmonClient } from '../../sdk/src/index.js';
import { NodeHttpSender } from '../../shared/adapters/http-sender/node-http-sender.js';
import type { MailmonEvent } from '../../shared/events/event.js';
import { EVENT_TYPES } from '../../shared/events/event.js';
import { buildDeliveryRequest } from '../../shared/webhooks/build-delivery-request.js';
import { generateWebhookSecret } from '../../shared/webhooks/sign.js';
import type { Runner } from '../context.js';
import { CliError } from '../io.js';
import { parseDuration, parseTime, parseUrl } from '../options.js';

/**
 * Forwards events to a URL the way deliveries are sent: signed with Standard Webhooks and `x-mailmon-*` headers
 * under `secret`, one POST each, in feed order. Answers what each POST got.
 */
function forwarder(url: string, secret: string) {
  const sender = new NodeHttpSender({ timeoutMs: 15_000, maxResponseBytes: 1024 });
  let n = 0;
  return async (event: MailmonEvent) => {
    n += 1;
    const request = buildDeliveryRequest({
      event,
      delivery: { id: `cli_${n}`, attempt: 1 },
      endpoint: { url, secrets: [secret] },
      now: Date.now(),
    });
    const response = await sender.send(request);
    return response.kind === 'response' ? response.status : response.kind;
  };
}

/** Pages the workspace feed from `after` until it is caught up; calls `each` for every event, in order. */
async function follow(
  api: MailmonClient,
  query: { after?: string; mailboxId?: string; types?: string },
  each: (event: MailmonEvent) => Promise<void>,
): Promise<string | undefined> {
  let after = query.after;
  for (;;) {
    const page = await api.listEvents({
      limit: 100,
      ...(after ? { after } : {}),
      ...(query.mailboxId ? { mailboxId: query.mailboxId } : {}),
      ...(query.types ? { types: query.types } : {}),
    });
    for (const event of page.data) await each(event as MailmonEvent);
    after = page.nextCursor ?? after;
    if (!page.hasMore) return after;
  }
}

function eventTypes(value: string): string {
  const types = value.split(',').map((t) => t.trim());
  const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new CliError(`unknown event types: ${unknown.join(', ')} (known: ${EVENT_TYPES.join(', ')})`);
  return types.join(',');
}

/** `listen` and `replay`: the event feed forwarded to a local URL, signed like deliveries. */
export function forwardCommands(program: Command, run: Runner): void {
  run(
    program
      .command('listen')
      .description(
        'follow the workspace’s event feed and forward each new event, signed, to a URL (Ctrl-C stops)',
      )
      .addOption(
        new Option('--forward-to <url>', 'where to POST each event')
          .makeOptionMandatory()
          .argParser(parseUrl),
      )
      .option('--mailbox <id>', 'only this mailbox’s events')
      .option('--events <types>', 'only these event types, comma-separated')
      .addOption(
        new Option('--poll <duration>', 'how often to look for new events')
          .default(1_000, '1s')
          .argParser(parseDuration),
      )
      .addOption(new Option('--once', 'forward what is new now and stop (for scripts)')),
    async (ctx) => {
      const api = ctx.api();
      const secret = generateWebhookSecret();
      const types = ctx.options.events ? eventTypes(String(ctx.options.events)) : undefined;
      const forward = forwarder(String(ctx.options.forwardTo), secret);
      // like a new endpoint: only what happens from now on
      const start = await api.listEvents({ after: 'latest' });
      ctx.io.stderr(
        `Ready: forwarding new events to ${ctx.options.forwardTo}. Your webhook signing secret is ${secret} (Ctrl-C to stop)\n`,
      );
      const forwarded: { id: string; type: string; status: number | string }[] = [];
      const query = {
        ...(start.nextCursor ? { after: start.nextCursor } : {}),
        ...(ctx.options.mailbox ? { mailboxId: String(ctx.options.mailbox) } : {}),
        ...(types ? { types } : {}),
      };
      const stop = new Promise<void>((resolve) => {
        ctx.io.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      for (;;) {
        query.after = await follow(api, query, async (event) => {
          const status = await forward(event);
          forwarded.push({ id: event.id, type: event.type, status });
          ctx.io.stderr(`${new Date().toISOString()}  ${event.type}  ${event.id}  → ${status}\n`);
        });
        if (ctx.options.once || ctx.io.signal?.aborted) break;
        const waited = await Promise.race([
          new Promise((resolve) => setTimeout(() => resolve('tick'), Number(ctx.options.poll))),
          stop,
        ]);
        if (waited !== 'tick') break;
      }
      return {
        json: { secret, forwarded },
        text: [`forwarded ${forwarded.length} events`],
      };
    },
  );

  run(
    program
      .command('replay')
      .description('forward a mailbox’s past events, signed, to a URL')
      .requiredOption('--mailbox <id>', 'the mailbox')
      .addOption(
        new Option('--last <duration>', 'events of the last 1h, 30m, 2d…')
          .argParser(parseDuration)
          .conflicts('since'),
      )
      .addOption(new Option('--since <time>', 'events since this ISO 8601 time').argParser(parseTime))
      .addOption(
        new Option('--forward-to <url>', 'where to POST each event')
          .makeOptionMandatory()
          .argParser(parseUrl),
      )
      .option('--secret <whsec>', 'sign with this secret (a new one is printed otherwise)'),
    async (ctx) => {
      const since =
        ctx.options.since !== undefined
          ? Number(ctx.options.since)
          : ctx.options.last !== undefined
            ? Date.now() - Number(ctx.options.last)
            : undefined;
      if (since === undefined) throw new CliError('Give --last <duration> or --since <time>.');
      const api = ctx.api();
      const secret = (ctx.options.secret as string | undefined) ?? generateWebhookSecret();
      const forward = forwarder(String(ctx.options.forwardTo), secret);
      if (!ctx.options.secret) ctx.io.stderr(`Signing with ${secret}\n`);
      const forwarded: { id: string; type: string; status: number | string }[] = [];
      await follow(api, { mailboxId: String(ctx.options.mailbox) }, async (event) => {
        if (Date.parse(event.occurredAt) < since) return;
        forwarded.push({ id: event.id, type: event.type, status: await forward(event) });
      });
      const failed = forwarded.filter((f) => typeof f.status !== 'number' || f.status >= 300).length;
      return {
        json: { secret, since: new Date(since).toISOString(), forwarded },
        text: [
          `replayed ${forwarded.length} events since ${new Date(since).toISOString()}${failed ? `, ${failed} not accepted` : ''}`,
        ],
      };
    },
  );
}
