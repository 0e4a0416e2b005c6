import { PubSub } from '@google-cloud/pubsub';
import { type Command, Option } from 'commander';
import { GoogleAuth, Impersonated } from 'google-auth-library';
import { PubSubDispatcher } from '../../shared/adapters/pubsub/pubsub-dispatcher.js';
import { CONTROL_JOBS } from '../../shared/control/run-control-job.js';
import type { CommandContext, Runner } from '../context.js';
import { CliError } from '../io.js';
import { parseDuration } from '../options.js';
import { firestoreOf, type OperatorTarget } from '../target.js';

/** The topic terraform creates for sync dispatches, and the one the local stack uses. */
const SYNC_TOPIC = { gcp: 'mailmon-sync-dispatch', local: 'sync-dispatch' } as const;

/**
 * Calls the control function as Cloud Scheduler does: `POST <control URL>/jobs/<job>` with an OIDC token of the
 * invoker account for the function's URL, minted by impersonating it with the operator's own credentials (they
 * need `roles/iam.serviceAccountTokenCreator` on it). Locally, the stack's control function takes no token.
 */
async function callControl(ctx: CommandContext, target: OperatorTarget, job: string): Promise<Response> {
  if (target.mode === 'local')
    return fetch(`${target.dev.functionsUrl}/control/jobs/${job}`, { method: 'POST' });
  const url = (ctx.options.controlUrl as string | undefined) ?? ctx.io.env.MAILMON_CONTROL_URL;
  const invoker = (ctx.options.invoker as string | undefined) ?? ctx.io.env.MAILMON_INVOKER_EMAIL;
  if (!url || !invoker)
    throw new CliError(
      'In gcp mode give the control function’s URL and the invoker account: --control-url and --invoker (or MAILMON_CONTROL_URL and MAILMON_INVOKER_EMAIL; terraform output function_urls and invoker_service_account).',
    );
  const source = await new GoogleAuth({
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
  }).getClient();
  const token = await new Impersonated({
    sourceClient: source,
    targetPrincipal: invoker,
    targetScopes: [],
  }).fetchIdToken(url, {
    includeEmail: true,
  });
  return fetch(`${url.replace(/\/$/, '')}/jobs/${job}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
}

/** Pub/Sub of the target: the local emulator, or the project with ADC. */
function pubsubOf(target: OperatorTarget): PubSub {
  return target.mode === 'local'
    ? new PubSub({ projectId: target.projectId, apiEndpoint: target.dev.pubsubHost, emulatorMode: true })
    : new PubSub({ projectId: target.projectId });
}

interface MailboxProgress {
  status?: string;
  syncState?: string;
  fullSync?: { phase?: string } | null;
  nextSeq?: number;
  lastSuccessfulSyncAt?: number | null;
  lastError?: { code?: string; message?: string } | null;
}

/** `control-job <job>` and `sync-mailbox <id>`: operator commands on the functions' own paths. */
export function operateCommands(program: Command, run: Runner): void {
  run(
    program
      .command('control-job')
      .description('run one control job now, as Cloud Scheduler calls it')
      .addArgument(program.createArgument('<job>', 'the job').choices([...CONTROL_JOBS]))
      .option('--control-url <url>', 'gcp mode: the control function’s URL (or MAILMON_CONTROL_URL)')
      .option('--invoker <email>', 'gcp mode: the invoker service account (or MAILMON_INVOKER_EMAIL)'),
    async (ctx) => {
      const job = String(ctx.options.job);
      const response = await callControl(ctx, ctx.operator(), job);
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new CliError(`control answered ${response.status}: ${JSON.stringify(body)}`);
      const report = body as { examined?: number; acted?: number; failed?: number };
      return {
        json: body,
        text: [
          `${job}: examined ${report.examined ?? 0}, acted on ${report.acted ?? 0}, failed ${report.failed ?? 0}`,
        ],
      };
    },
  );

  run(
    program
      .command('sync-mailbox')
      .description('dispatch a sync of a mailbox now and wait for it to finish, with its progress')
      .argument('<mailboxId>')
      .option('--no-wait', 'dispatch and return')
      .addOption(
        new Option('--timeout <duration>', 'how long to wait (e.g. 90s, 15m)')
          .default(600_000, '10m')
          .argParser(parseDuration),
      ),
    async (ctx) => {
      const target = ctx.operator();
      const mailboxId = String(ctx.options.mailboxId);
      const db = firestoreOf(target);
      const ref = db.collection('mailboxes').doc(mailboxId);
      const before = (await ref.get()).data() as MailboxProgress | undefined;
      if (!before) throw new CliError(`No mailbox ${mailboxId}.`);
      if (before.status !== 'active')
        throw new CliError(`Mailbox ${mailboxId} is ${before.status}: it is not synced.`);
      const dispatchedAt = Date.now();
      const pubsub = pubsubOf(target);
      try {
        await new PubSubDispatcher(pubsub, SYNC_TOPIC[target.mode]).dispatchSync({
          mailboxId,
          reason: 'operator',
        });
      } finally {
        await pubsub.close();
      }
      if (ctx.options.wait === false)
        return { json: { mailboxId, dispatched: true }, text: [`dispatched a sync of ${mailboxId}`] };

      // a run record appears when a sync run ends; the mailbox's phase and event count show progress meanwhile
      const phases = ['listing', 'sweeping', 'catching_up'];
      const bar = ctx.progress(`sync ${mailboxId}`, phases.length + 1);
      const deadline = dispatchedAt + Number(ctx.options.timeout);
      try {
        for (;;) {
          const m = (await ref.get()).data() as MailboxProgress;
          const runs = await ref
            .collection('syncRuns')
            // a run that started before the dispatch may have missed what it was asked for; the dispatched one (or
            // the holder's rerun it caused, when it found the lease held) starts after it
            .where('startedAt', '>=', dispatchedAt)
            .get();
          const finished = runs.docs
            .map((d) => d.data())
            // a trigger that found the lease held is recorded as busy: the holder's rerun is the one to wait for
            .filter((r) => r.outcome !== 'busy')
            .sort((a, b) => b.finishedAt - a.finishedAt)[0];
          const phase = m.fullSync?.phase;
          bar?.update(phase ? phases.indexOf(phase) + 1 : finished ? phases.length + 1 : 0, {
            detail: `${phase ?? m.syncState ?? ''} · ${Math.max(0, (m.nextSeq ?? 0) - (before.nextSeq ?? 0))} new events`,
          });
          if (finished && !m.fullSync) {
            const outcome = String(finished.outcome);
            const result = {
              mailboxId,
              outcome,
              syncState: m.syncState,
              events: finished.counts?.events ?? 0,
              cursor: finished.nextCursor ?? null,
            };
            if (outcome !== 'succeeded')
              throw new CliError(
                `sync of ${mailboxId} ended ${outcome}: ${finished.error ?? m.lastError?.message ?? ''}`,
              );
            return {
              json: result,
              text: [
                `synced ${mailboxId}: ${outcome}, ${result.events} events, cursor ${result.cursor ?? '-'}`,
              ],
            };
          }
          if (Date.now() > deadline)
            throw new CliError(`sync of ${mailboxId} did not finish within the timeout`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      } finally {
        bar?.stop();
        await db.terminate();
      }
    },
  );
}
