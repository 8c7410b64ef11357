/** The plain SDK loop the sink is measured against: pre-marshalled batches, a fixed pool of workers. */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from './aws-sdk.js';
import { TABLE } from './workload.js';

/** Sends every batch with `inFlight` calls at once, re-sending UnprocessedItems; resolves to the items written. */
export async function runBaseline(client: DynamoDBClient, batches: readonly WriteRequest[][], inFlight: number): Promise<number> {
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++]!;
      while (pending.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: pending } }));
        const unprocessed = out.UnprocessedItems?.[TABLE] ?? [];
        written += pending.length - unprocessed.length;
        pending = unprocessed;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return written;
}
