import type { SinkRecord } from '@dynamo-sink/core';

/** Past this many values a record's estimate stops growing: bounds the cost on huge or cyclic values. */
const MAX_VALUES_VISITED = 10_000;

/**
 * A cheap estimate of a record's size in bytes, for grouping records into batches: string lengths, 8 per number,
 * byte lengths of binaries, field names, 1 per element. Not DynamoDB's exact rules (the sink applies those); a
 * walk without allocation, cheaper than serializing.
 */
export function estimateRecordBytes(record: SinkRecord<unknown>): number {
  left = MAX_VALUES_VISITED;
  return estimate(record.value);
}

/** Values the current estimate may still visit (the walk is synchronous: one budget, no object per record). */
let left = 0;

function estimate(value: unknown): number {
  if (--left < 0) return 0;
  switch (typeof value) {
    case 'string':
      return value.length;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
      return 1;
    case 'object': {
      if (value === null) return 1;
      if (Array.isArray(value)) {
        let size = 3;
        for (const element of value) size += 1 + estimate(element);
        return size;
      }
      if (value instanceof Uint8Array) return value.byteLength;
      if (value instanceof Map || value instanceof Set) {
        let size = 3;
        for (const entry of value) size += 1 + estimate(entry);
        return size;
      }
      let size = 3;
      for (const key in value) size += 1 + key.length + estimate((value as Record<string, unknown>)[key]);
      return size;
    }
    default:
      return 0;
  }
}
