// `npm run cost-model`: what 1M synced messages and 1M webhook deliveries cost on Google Cloud, from the
// operation counts the last `npm run bench` measured (.mailmon/bench-report.json) and list prices. Prices are
// inputs, not facts the code can check: they are the published list prices in USD at the time of writing
// (Firestore at the nam5 multi-region rate; regional locations are cheaper), before free tiers. Edit PRICES
// for your region and contract.
import { existsSync, readFileSync } from 'node:fs';
import { BENCH_REPORT } from '../bench/report.js';

export const PRICES = {
  firestoreRead: 0.06 / 100_000,
  firestoreWrite: 0.18 / 100_000,
  functionRequest: 0.4 / 1_000_000,
  /** Cloud Run functions, request-based billing: per vCPU-second and per GiB-second while a request runs. */
  vcpuSecond: 0.000024,
  gibSecond: 0.0000025,
  cloudTasksOperation: 0.4 / 1_000_000,
  /** Pub/Sub: $40 per TiB, at least 1 KB billed per message, published and delivered once each. */
  pubsubMessage: (2 * 1024 * 40) / 1024 ** 4,
  kmsOperation: 0.03 / 10_000,
} as const;

/** The functions run with 1 vCPU and 512 MiB (terraform/functions.tf). */
const GIB = 0.5;
const MILLION = 1_000_000;

export interface CostLine {
  item: string;
  perMillion: number;
  usd: number;
}

interface Report {
  sync?: {
    firestoreReads: number;
    firestoreWrites: number;
    gmailUnits: number;
    messages: number;
    measuredAt: string;
  };
  delivery?: {
    fanOutReads: number;
    fanOutWrites: number;
    attemptReads: number;
    attemptWrites: number;
    tasks: number;
    cpuMs: number;
    measuredAt: string;
  };
}

/**
 * Per 1M messages of initial sync: Firestore as measured; function time as the sync takes it when paced to the
 * per-user Gmail quota (`quotaPerMinute`, the usual bound), one refresh-token unwrap (KMS) and one Pub/Sub
 * dispatch per run of `messagesPerRun` messages. Gmail itself is free.
 */
export function syncCosts(
  sync: NonNullable<Report['sync']>,
  quotaPerMinute = 6_000,
  messagesPerRun = 2_000,
): CostLine[] {
  const seconds = (MILLION * sync.gmailUnits) / (quotaPerMinute / 60);
  const runs = MILLION / messagesPerRun;
  return [
    {
      item: 'Firestore reads',
      perMillion: sync.firestoreReads * MILLION,
      usd: sync.firestoreReads * MILLION * PRICES.firestoreRead,
    },
    {
      item: 'Firestore writes',
      perMillion: sync.firestoreWrites * MILLION,
      usd: sync.firestoreWrites * MILLION * PRICES.firestoreWrite,
    },
    {
      item: `syncMailbox time (s, paced to ${quotaPerMinute} units/min)`,
      perMillion: seconds,
      usd: seconds * (PRICES.vcpuSecond + GIB * PRICES.gibSecond),
    },
    { item: 'syncMailbox requests', perMillion: runs, usd: runs * PRICES.functionRequest },
    { item: 'Pub/Sub dispatches', perMillion: runs, usd: runs * PRICES.pubsubMessage },
    { item: 'KMS unwraps', perMillion: runs, usd: runs * PRICES.kmsOperation },
  ];
}

/**
 * Per 1M deliveries to a healthy endpoint: fan-out and attempt Firestore operations as measured, one Cloud Tasks
 * task and one `deliverWebhook` request per task run, the measured CPU per delivery (time spent waiting for a
 * slow endpoint is billed on top), and one KMS unwrap of the signing secret per attempt.
 */
export function deliveryCosts(d: NonNullable<Report['delivery']>): CostLine[] {
  const reads = (d.fanOutReads + d.attemptReads) * MILLION;
  const writes = (d.fanOutWrites + d.attemptWrites) * MILLION;
  const tasks = d.tasks * MILLION;
  const seconds = (d.cpuMs / 1000) * MILLION;
  return [
    { item: 'Firestore reads', perMillion: reads, usd: reads * PRICES.firestoreRead },
    { item: 'Firestore writes', perMillion: writes, usd: writes * PRICES.firestoreWrite },
    { item: 'Cloud Tasks tasks', perMillion: tasks, usd: tasks * PRICES.cloudTasksOperation },
    { item: 'deliverWebhook requests', perMillion: tasks, usd: tasks * PRICES.functionRequest },
    {
      item: 'deliverWebhook CPU (s)',
      perMillion: seconds,
      usd: seconds * (PRICES.vcpuSecond + GIB * PRICES.gibSecond),
    },
    { item: 'KMS unwraps', perMillion: tasks, usd: tasks * PRICES.kmsOperation },
  ];
}

/** The cost tables as Markdown. */
export function costTables(report: Report): string {
  const table = (title: string, lines: CostLine[], measuredAt: string) =>
    [
      `**${title}** (bench of ${measuredAt})`,
      '',
      '| item | per 1M | USD |',
      '|---|---:|---:|',
      ...lines.map(
        (l) => `| ${l.item} | ${Math.round(l.perMillion).toLocaleString('en-US')} | ${l.usd.toFixed(2)} |`,
      ),
      `| **total** | | **${lines.reduce((a, l) => a + l.usd, 0).toFixed(2)}** |`,
      '',
    ].join('\n');
  const out: string[] = [];
  if (report.sync)
    out.push(table('Per 1M messages of initial sync', syncCosts(report.sync), report.sync.measuredAt));
  if (report.delivery)
    out.push(table('Per 1M webhook deliveries', deliveryCosts(report.delivery), report.delivery.measuredAt));
  return out.join('\n');
}

if (process.argv[1]?.endsWith('cost-model.ts')) {
  if (!existsSync(BENCH_REPORT)) {
    console.error(`no ${BENCH_REPORT}: run \`npm run bench\` first`);
    process.exit(1);
  }
  console.log(costTables(JSON.parse(readFileSync(BENCH_REPORT, 'utf8')) as Report));
}
