/** A position in a {@link SortedIndex}: the sort key and id of an item (which may since have been removed). */
export interface Cursor {
  key: number;
  id: string;
}

/**
 * Items kept sorted ascending by a numeric key and then by id, read newest (largest key) first. Inserting
 * and removing are a binary search plus a splice; reading a page from a cursor is a binary search plus the
 * page itself, so paging stays fast however large the index grows.
 */
export class SortedIndex<T> {
  private items: T[] = [];

  constructor(
    private readonly keyOf: (item: T) => number,
    private readonly idOf: (item: T) => string,
  ) {}

  /** Adds `item` at its sorted position. */
  insert(item: T): void {
    this.items.splice(this.lowerBound({ key: this.keyOf(item), id: this.idOf(item) }), 0, item);
  }

  /** Adds many items at once and sorts once. */
  insertMany(items: readonly T[]): void {
    for (const item of items) this.items.push(item);
    this.items.sort((a, b) =>
      this.compare({ key: this.keyOf(a), id: this.idOf(a) }, { key: this.keyOf(b), id: this.idOf(b) }),
    );
  }

  /** Removes `item`; call before changing its key. */
  remove(item: T): boolean {
    const at = this.lowerBound({ key: this.keyOf(item), id: this.idOf(item) });
    if (this.items[at] !== item) return false;
    this.items.splice(at, 1);
    return true;
  }

  /** The cursor of `item`, to resume a descending read after it. */
  cursorOf(item: T): Cursor {
    return { key: this.keyOf(item), id: this.idOf(item) };
  }

  /** Items in descending order, starting just after `cursor` (or at the newest item). */
  *descending(after?: Cursor): Generator<T> {
    let at = after ? this.lowerBound(after) - 1 : this.items.length - 1;
    for (; at >= 0; at--) yield this.items[at] as T;
  }

  private compare(a: Cursor, b: Cursor): number {
    if (a.key !== b.key) return a.key - b.key;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  /** First position whose item is not less than `cursor`. */
  private lowerBound(cursor: Cursor): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const item = this.items[mid] as T;
      if (this.compare({ key: this.keyOf(item), id: this.idOf(item) }, cursor) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Encodes a cursor as an opaque page token. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.key}.${cursor.id}`).toString('base64url');
}

/** Decodes a page token made by {@link encodeCursor}; `undefined` when it is not one. */
export function decodeCursor(token: string): Cursor | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^(\d+)\.([0-9a-zA-Z_-]+)$/.exec(text);
  if (!match) return undefined;
  return { key: Number(match[1]), id: match[2] as string };
}
