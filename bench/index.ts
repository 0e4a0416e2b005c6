import { benchInitialSync } from './initial-sync.js';
import { benchWebhookDelivery } from './webhook-delivery.js';

// `npm run bench` — benchmarks, not tests. BENCH_MESSAGES scales the initial-sync run (default 20,000),
// BENCH_EVENTS the webhook-delivery run (default 2,000); BENCH_ONLY=sync|delivery runs one of them.
process.env.METADATA_SERVER_DETECTION ??= 'none';
function sized(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer`);
    process.exit(2);
  }
  return value;
}
const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== 'sync' && only !== 'delivery') {
  console.error('BENCH_ONLY must be sync or delivery');
  process.exit(2);
}
if (only !== 'delivery') await benchInitialSync(sized('BENCH_MESSAGES', 20_000));
if (only !== 'sync') await benchWebhookDelivery(sized('BENCH_EVENTS', 2_000));
