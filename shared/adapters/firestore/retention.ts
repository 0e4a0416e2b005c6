/**
 * How long records of what happened are kept (sync runs, deliveries with their attempts, replays, operator
 * events): Firestore TTL deletes a document once its `expireAt` has passed, and `prune` does locally.
 */
export const RECORD_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** The `expireAt` of a record made at `at` (epoch ms). */
export function expireAtFor(at: number): Date {
  return new Date(at + RECORD_RETENTION_MS);
}
