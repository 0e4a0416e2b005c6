/**
 * Runs `cleanup` once when the process is interrupted (Ctrl-C, SIGTERM) or crashes, then exits with the
 * conventional code. Returns the same one-shot stop for callers that fail during start-up.
 */
export function onShutdown(cleanup: () => Promise<void>): (code: number) => Promise<void> {
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await cleanup().catch((error: unknown) => console.error(error));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));
  process.on('uncaughtException', (error) => {
    console.error(error);
    void stop(1);
  });
  return stop;
}
