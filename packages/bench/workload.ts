/** The bench's records, and what the baseline and the raw floor send, all built before any timer starts. */
import { marshall, type WriteRequest } from './aws-sdk.js';

export interface BenchRecord {
  timestamp: number;
  key1: string;
  key2: number;
  key3: string;
  payload: { a: number[]; b: string };
}

export const TABLE = 'bench';
export const PARTITION_KEY = 'year_month|%Y-%m';
export const SORT_KEY = 'rest_of_ts|%d-%H:%M:%S.%f';
export const BATCH_SIZE = 25;

// 2024-05-01T00:00:00Z in µs. Records are 1 ms apart, so keys stay unique even at ms precision.
const START_US = Date.UTC(2024, 4, 1) * 1000;

export function makeRecords(count: number): BenchRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: START_US + i * 1000 + (i % 1000),
    key1: `value${i}`,
    key2: i,
    key3: 'value3',
    payload: { a: [1, 2, 3], b: 'text' },
  }));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The two key attributes the sink derives from PARTITION_KEY and SORT_KEY, in UTC. */
export function derivedKeys(timestampUs: number): { year_month: string; rest_of_ts: string } {
  const d = new Date(Math.floor(timestampUs / 1000));
  return {
    year_month: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`,
    rest_of_ts:
      `${pad(d.getUTCDate())}-${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
      `.${pad(timestampUs % 1_000_000, 6)}`,
  };
}

/** The items the sink would write, marshalled and cut into BatchWriteItem-sized groups. */
export function marshalledBatches(records: readonly BenchRecord[]): WriteRequest[][] {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < records.length; i += BATCH_SIZE) {
    batches.push(
      records.slice(i, i + BATCH_SIZE).map((record) => ({
        PutRequest: { Item: marshall({ ...record, ...derivedKeys(record.timestamp) }) },
      })),
    );
  }
  return batches;
}

export interface RequestBody {
  readonly body: string;
  readonly items: number;
}

/** Request bodies for the raw HTTP floor. */
export function requestBodies(batches: readonly WriteRequest[][]): RequestBody[] {
  return batches.map((batch) => ({ body: JSON.stringify({ RequestItems: { [TABLE]: batch } }), items: batch.length }));
}
