import { Firestore, type Settings } from '@google-cloud/firestore';

/** Firestore operations as Firestore bills them, counted from the server's answers as the client receives them. */
export interface FirestoreOps {
  /**
   * Documents read: each document a get or getAll asked for (found or missing), each document a query
   * returned (a query that returned none counts one), one per aggregation query.
   */
  reads: number;
  /** Documents written (set, update, create or delete) by commits and batch writes the server applied. */
  writes: number;
  /** Commits the server applied: a transaction retried after contention commits once. */
  commits: number;
}

type Message = Record<string, unknown>;

interface CallProperties {
  methodDefinition: { path: string; responseDeserialize: (buffer: Buffer) => unknown };
}

/** Counts what one call's answers cost. Each call gets its own, so a query's minimum read is charged once. */
function meter(method: string, ops: FirestoreOps): (message: Message) => void {
  let documents = 0;
  let minimumCharged = false;
  return (message) => {
    switch (method) {
      case 'BatchGetDocuments':
        if (message.found || message.missing) ops.reads += 1;
        break;
      case 'RunQuery':
        if (message.document) {
          documents += 1;
          ops.reads += 1;
          // the minimum charge was for a query that turned out not to be empty
          if (minimumCharged) {
            minimumCharged = false;
            ops.reads -= 1;
          }
        } else if (documents === 0 && !minimumCharged && message.readTime) {
          minimumCharged = true;
          ops.reads += 1;
        }
        break;
      case 'RunAggregationQuery':
        if (message.result) ops.reads += 1;
        break;
      case 'Commit':
        ops.commits += 1;
        ops.writes += (message.writeResults as unknown[] | undefined)?.length ?? 0;
        break;
      case 'BatchWrite':
        ops.writes += ((message.status as { code?: number }[] | undefined) ?? []).filter(
          (s) => (s.code ?? 0) === 0,
        ).length;
        break;
      default:
        break;
    }
  };
}

/**
 * A Firestore client whose every gRPC answer is counted before the SDK sees it (through the gRPC client's
 * call-invocation hook, which google-gax passes on), so reads and writes are counted at the real boundary:
 * lease and mailbox reads, retried transactions and every adapter included.
 */
export function countingFirestore(settings: Settings): { db: Firestore; ops: FirestoreOps } {
  const ops: FirestoreOps = { reads: 0, writes: 0, commits: 0 };
  const transformer = (call: CallProperties): CallProperties => {
    const method = call.methodDefinition.path.split('/').pop() ?? '';
    const count = meter(method, ops);
    const deserialize = call.methodDefinition.responseDeserialize;
    call.methodDefinition = {
      ...call.methodDefinition,
      responseDeserialize: (buffer) => {
        const message = deserialize(buffer) as Message;
        count(message);
        return message;
      },
    };
    return call;
  };
  const db = new Firestore({ ...settings, 'grpc.callInvocationTransformer': transformer } as Settings);
  return { db, ops };
}

/** The operations counted between two readings. */
export function opsSince(now: FirestoreOps, before: FirestoreOps): FirestoreOps {
  return {
    reads: now.reads - before.reads,
    writes: now.writes - before.writes,
    commits: now.commits - before.commits,
  };
}
