import { createHash, randomBytes } from 'node:crypto';

/** Source of identifiers for domain code; tests inject a predictable one. */
export interface Ids {
  /** A new random, URL-safe identifier with an optional prefix, e.g. `mbx_…`. */
  random(prefix?: string): string;
}

/** Cryptographically random ids: 20 bytes, base32-like lowercase. */
export const randomIds: Ids = {
  random(prefix) {
    const id = randomBytes(16).toString('base64url').replace(/[-_]/g, '').slice(0, 20).toLowerCase();
    return prefix ? `${prefix}_${id}` : id;
  },
};

/** Sequential ids (`prefix_1`, `prefix_2`, …); for tests. */
export class SequentialIds implements Ids {
  private n = 0;
  random(prefix?: string): string {
    this.n += 1;
    return prefix ? `${prefix}_${this.n}` : String(this.n);
  }
}

/**
 * A deterministic id derived from its parts: the same parts always give the same id.
 * Used for event ids so that a retried change produces the same event.
 */
export function deterministicId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 24);
  return `${prefix}_${digest}`;
}
