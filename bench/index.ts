import { DEFAULT_SYNC_OPTIONS } from '../shared/sync/sync-mailbox.js';
import { benchInitialSync } from './initial-sync.js';
import { benchWebhookDelivery } from './webhook-delivery.js';

// `npm run bench` — benchmarks, not tests. Every figure is min / median / max over BENCH_REPS measured runs
// (default 3) after BENCH_WARMUP unmeasured ones (default 1), beside a baseline or limit from the same run.
// BENCH_MESSAGES sizes the initial sync (default 2,000), BENCH_EVENTS the webhook delivery (default 1,000),
// BENCH_QUOTA is the per-user Gmail quota the sync is judged against (default: the engine's, 15,000
// units/min); BENCH_PACED=1 adds sync runs paced to it against an emulator enforcing it (a minute or more
// each); BENCH_ONLY=sync|delivery runs one half.
process.env.METADATA_SERVER_DETECTION ??= 'none';
function whole(name: string, fallback: number, min = 1): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be an integer of at least ${min}`);
    process.exit(2);
  }
  return value;
}
const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== 'sync' && only !== 'delivery') {
  console.error('BENCH_ONLY must be sync or delivery');
  process.exit(2);
}
const reps = whole('BENCH_REPS', 3, 3);
const warmUp = whole('BENCH_WARMUP', 1, 0);
const started = performance.now();
if (only !== 'delivery')
  await benchInitialSync({
    messages: whole('BENCH_MESSAGES', 2_000),
    warmUp,
    reps,
    quotaUnitsPerMinute: whole('BENCH_QUOTA', DEFAULT_SYNC_OPTIONS.quotaUnitsPerMinute),
    paced: process.env.BENCH_PACED === '1',
  });
if (only !== 'sync') await benchWebhookDelivery({ events: whole('BENCH_EVENTS', 1_000), warmUp, reps });
console.log(`bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);
