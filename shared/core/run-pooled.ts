/**
 * Runs `work` over `items` with at most `width` calls in flight, in item order of starting. Rejects with
 * the first failure once the calls in flight have settled; items not yet started are then not started.
 */
export async function runPooled<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(width, items.length)) }, async () => {
      while (!failed && next < items.length) {
        try {
          await work(items[next++]!);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
}
