/** Memoises an async factory; a failed attempt is not cached, so a fixed configuration recovers without a redeploy. */
export function lazy<T>(factory: () => Promise<T> | T): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= Promise.resolve()
      .then(factory)
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}
