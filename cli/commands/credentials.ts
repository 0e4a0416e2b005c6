import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FirestoreCredentialStore } from '../../shared/adapters/firestore/firestore-credential-store.js';
import { FirestoreWebhookStore } from '../../shared/adapters/firestore/firestore-webhook-store.js';
import { keyWrapperOf } from '../../shared/runtime/composition-root.js';
import { auditCredentials, CredentialBox, rewrapCredentials } from '../../shared/secrets/credentials.js';
import {
  auditEndpointSecrets,
  rewrapEndpointSecrets,
} from '../../shared/webhooks/rewrap-endpoint-secrets.js';
import type { CommandContext, Runner } from '../context.js';
import { CliError } from '../io.js';
import { firestoreOf, type OperatorTarget } from '../target.js';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);

/**
 * The key-encryption key the functions use: locally MAILMON_LOCAL_KEK (else the dev stack's `.mailmon/local-kek`)
 * with MAILMON_LOCAL_PREVIOUS_KEKS still accepted; in gcp mode the KMS key of `--kms-key` or MAILMON_KMS_KEY.
 */
function boxFor(ctx: CommandContext, target: OperatorTarget): { box: CredentialBox; key: string } {
  if (target.mode === 'gcp') {
    const kmsKey = (ctx.options.kmsKey as string | undefined) ?? ctx.io.env.MAILMON_KMS_KEY;
    if (!kmsKey)
      throw new CliError(
        'In gcp mode give the KMS key: --kms-key or MAILMON_KMS_KEY (projects/P/locations/L/keyRings/R/cryptoKeys/K).',
      );
    return { box: new CredentialBox(keyWrapperOf({ kmsKey })), key: kmsKey };
  }
  const file = join(ctx.io.cwd, '.mailmon', 'local-kek');
  const localKek =
    ctx.io.env.MAILMON_LOCAL_KEK ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  if (!localKek)
    throw new CliError('No local key: set MAILMON_LOCAL_KEK (the key the local stack runs with).');
  return {
    box: new CredentialBox(
      keyWrapperOf({ localKek, localPreviousKeks: list(ctx.io.env.MAILMON_LOCAL_PREVIOUS_KEKS) }),
    ),
    key: 'the local key (MAILMON_LOCAL_KEK)',
  };
}

/** `gmail-credentials audit|rewrap`: refresh tokens and webhook signing secrets under the key-encryption key. */
export function credentialCommands(program: Command, run: Runner): void {
  const credentials = program
    .command('gmail-credentials')
    .description('sealed Gmail refresh tokens and webhook signing secrets (operator)');
  const stores = (target: OperatorTarget) => {
    const db = firestoreOf(target);
    return { db, credentials: new FirestoreCredentialStore(db), secrets: new FirestoreWebhookStore(db) };
  };

  run(
    credentials
      .command('audit')
      .description('count sealed secrets by wrapping key and prove each one still opens (never prints one)')
      .option('--kms-key <name>', 'gcp mode: the KMS key (or MAILMON_KMS_KEY)'),
    async (ctx) => {
      const target = ctx.operator();
      const { box } = boxFor(ctx, target);
      const s = stores(target);
      try {
        const refreshTokens = await auditCredentials({ box, credentials: s.credentials });
        const webhookSecrets = await auditEndpointSecrets({ box, secrets: s.secrets });
        const unreadable = refreshTokens.unreadable.length + webhookSecrets.unreadable.length;
        const keys = (byKeyId: Record<string, number>) =>
          Object.entries(byKeyId)
            .map(([k, n]) => `${n} under ${k}`)
            .join(', ') || 'none';
        return {
          json: { refreshTokens, webhookSecrets },
          text: [
            `refresh tokens: ${refreshTokens.total} (${keys(refreshTokens.byKeyId)}), ${refreshTokens.unreadable.length} unreadable`,
            `webhook secrets: ${webhookSecrets.total} (${keys(webhookSecrets.byKeyId)}), ${webhookSecrets.unreadable.length} unreadable`,
            ...(unreadable > 0
              ? ['unreadable records cannot be opened with the keys given: see --json for their ids']
              : []),
          ],
        };
      } finally {
        await s.db.terminate();
      }
    },
  );

  run(
    credentials
      .command('rewrap')
      .description('re-wrap every refresh token and webhook secret with the current key (safe to re-run)')
      .option('--kms-key <name>', 'gcp mode: the KMS key (or MAILMON_KMS_KEY)'),
    async (ctx) => {
      const target = ctx.operator();
      const { box, key } = boxFor(ctx, target);
      const s = stores(target);
      try {
        const [tokens, endpoints] = await Promise.all([
          s.db.collection('credentials').count().get(),
          s.db.collection('webhookEndpoints').count().get(),
        ]);
        const bar = ctx.progress('rewrap', tokens.data().count + endpoints.data().count);
        const tick = () => bar?.increment();
        const refreshTokens = await rewrapCredentials({ box, credentials: s.credentials }, tick);
        const webhookSecrets = await rewrapEndpointSecrets({ box, secrets: s.secrets }, tick);
        bar?.stop();
        const failed = refreshTokens.failed.length + webhookSecrets.failed.length;
        const result = { key, refreshTokens, webhookSecrets };
        if (failed > 0)
          throw new CliError(
            `rewrapped what it could, but ${failed} records failed: ${JSON.stringify(result)}`,
          );
        return {
          json: result,
          text: [
            `refresh tokens: ${refreshTokens.rewrapped} rewrapped (${refreshTokens.migrated} moved to the mailbox-bound context)`,
            `webhook secrets: ${webhookSecrets.rewrapped} rewrapped`,
            `everything is under ${key}; earlier keys may be retired once every function runs with it`,
          ],
        };
      } finally {
        await s.db.terminate();
      }
    },
  );
}
