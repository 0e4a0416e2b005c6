import { benchInitialSync } from './initial-sync.js';

// `npm run bench` — benchmarks, not tests. BENCH_MESSAGES scales the initial-sync run (default 20,000).
process.env.METADATA_SERVER_DETECTION ??= 'none';
const count = Number(process.env.BENCH_MESSAGES ?? 20_000);
if (!Number.isInteger(count) || count < 1) {
  console.error('BENCH_MESSAGES must be a positive integer');
  process.exit(2);
}
await benchInitialSync(count);
