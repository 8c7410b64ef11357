/**
 * The direct transport alone (packages/core/src/dynamo/direct): the baseline's loop over the same pre-marshalled
 * batches, each sent with `transport.send('BatchWriteItem', input)` (JSON.stringify, SigV4, node:http) instead of
 * `client.send(new BatchWriteItemCommand(input))`.
 */
import type { DynamoDBClient, WriteRequest } from './aws-sdk.js';
import { loadExport } from './load-export.js';
import { TABLE, type RequestBody } from './workload.js';

/** The slice of the direct transport the bench uses, declared here so the bench loads without it. */
export interface BenchTransport {
  send(operation: 'BatchWriteItem', input: { RequestItems: Record<string, WriteRequest[]> }): Promise<{ UnprocessedItems?: Record<string, WriteRequest[]> }>;
  sendJson(operation: 'BatchWriteItem', body: string, tables: readonly string[]): Promise<{ UnprocessedItems?: Record<string, WriteRequest[]> }>;
  destroy(): void;
}
export type DirectTransportFactory = (client: DynamoDBClient, options: { maxSockets: number }) => BenchTransport;

// Not exported from @dynamo-sink/core's index yet: loaded from its source, as fake-endpoint.ts loads seeded-random.
export const loadDirectTransport = () => loadExport<DirectTransportFactory>('../core/src/dynamo/direct/index.js', 'directTransport');

/** Sends every batch with `inFlight` calls at once, re-sending UnprocessedItems; resolves to the items written. */
export async function runDirect(transport: BenchTransport, batches: readonly WriteRequest[][], inFlight: number): Promise<number> {
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++]!;
      while (pending.length > 0) {
        const out = await transport.send('BatchWriteItem', { RequestItems: { [TABLE]: pending } });
        const unprocessed = out.UnprocessedItems?.[TABLE] ?? [];
        const done = pending.length - unprocessed.length;
        written += done;
        pending = unprocessed;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return written;
}

const TABLES = [TABLE];

/**
 * The same over bodies written ahead (`sendJson`): the transport without serialization, what it costs when the sink
 * hands it JSON text built from the items.
 */
export async function runDirectJson(transport: BenchTransport, bodies: readonly RequestBody[], inFlight: number): Promise<number> {
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < bodies.length) {
      let pending: RequestBody | undefined = bodies[next++]!;
      while (pending) {
        const out = await transport.sendJson('BatchWriteItem', pending.body, TABLES);
        const unprocessed = out.UnprocessedItems?.[TABLE] ?? [];
        written += pending.items - unprocessed.length;
        pending = unprocessed.length > 0 ? { body: JSON.stringify({ RequestItems: { [TABLE]: unprocessed } }), items: unprocessed.length } : undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return written;
}
