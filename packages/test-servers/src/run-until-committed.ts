/**
 * Runs a Kafka adapter under the conformance suite until `allCommitted()` (or the suite aborts), then stops it.
 * Resolves with the error that stopped the run, if any: the suite checks errors, so they are returned, not thrown.
 */
export async function runUntilCommitted(
  consumer: { run(): Promise<unknown>; stop(): Promise<void> },
  signal: AbortSignal,
  allCommitted: () => boolean,
): Promise<Error | undefined> {
  const stop = () => void consumer.stop();
  signal.addEventListener('abort', stop, { once: true });
  const watcher = setInterval(() => allCommitted() && stop(), 2);
  try {
    await consumer.run();
    return undefined;
  } catch (caught) {
    return caught as Error;
  } finally {
    clearInterval(watcher);
    signal.removeEventListener('abort', stop);
  }
}
