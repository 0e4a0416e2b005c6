import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run bench` leaves its medians, for `npm run cost-model`. */
export const BENCH_REPORT = join(process.cwd(), '.mailmon', 'bench-report.json');

/** What the cost model needs from one half of the bench: median operation counts per unit of work. */
export type BenchSection = Record<string, number>;

/** Merges one half's medians into the report, stamped with when and where they were measured. */
export function recordBenchSection(name: 'sync' | 'delivery', figures: BenchSection): void {
  mkdirSync(join(process.cwd(), '.mailmon'), { recursive: true });
  const report = existsSync(BENCH_REPORT) ? JSON.parse(readFileSync(BENCH_REPORT, 'utf8')) : {};
  report[name] = { ...figures, measuredAt: new Date().toISOString(), node: process.version };
  writeFileSync(BENCH_REPORT, `${JSON.stringify(report, null, 2)}\n`);
}
