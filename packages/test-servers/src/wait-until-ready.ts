import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { makeClient } from './test-server.js';

/**
 * Polls ListTables on `endpoint` until it answers. Rejects when `giveUp()` returns a reason (e.g. the
 * server process exited) or after `timeoutMs`.
 */
export async function waitUntilAnswering(
  endpoint: string,
  options: { timeoutMs: number; intervalMs?: number; giveUp?: () => string | undefined },
): Promise<void> {
  const client = makeClient(endpoint, { requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } });
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  try {
    for (;;) {
      const reason = options.giveUp?.();
      if (reason !== undefined) throw new Error(reason);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        throw new Error(`${endpoint} did not answer ListTables within ${options.timeoutMs} ms`, { cause: lastError });
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
    }
  } finally {
    client.destroy();
  }
}
