/**
 * Runs `task` for each item, starting them in order, at most `limit` at once; starts nothing more once `stop()` says so.
 * Resolves when every started task has finished. `task` must not reject.
 */
export async function runLimited<T>(items: readonly T[], limit: number, stop: () => boolean, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
