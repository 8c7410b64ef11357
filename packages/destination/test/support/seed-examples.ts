/**
 * The seed's worked examples (SEED.md, "Using param_partition_key and param_sort_key"): its message, the key
 * variables, and the item each must leave in the table, in UTC. The seed's README shows 19:03 because it was made on
 * a machine in Central European time; the service writes 18:03 whatever the host's zone.
 */
import type { RawItem } from './scan-table.js';

/** The message of the seed's README. */
export const SEED_MESSAGE = { timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' };

export interface SeedExample {
  readonly name: string;
  /** The key variables, and `TZ` where a test shows the host's zone does not leak into keys. */
  readonly env: Readonly<Record<string, string>>;
  /** The whole item, as DynamoDB's JSON. */
  readonly expected: RawItem;
}

export const SEED_EXAMPLES: readonly SeedExample[] = [
  {
    name: 'Example 1',
    env: { param_partition_key: 'key1', param_sort_key: 'key3' },
    expected: { key1: { S: 'value1' }, key3: { S: 'value3' }, timestamp: { N: '1667844200703123' }, key2: { N: '10' } },
  },
  {
    name: 'Example 2',
    // The host's zone does not leak into keys: the child runs in Berlin and still writes UTC.
    env: { param_partition_key: 'year_month|%Y-%m', param_sort_key: 'rest_of_ts|%d-%H:%M:%S.%f', TZ: 'Europe/Berlin' },
    expected: {
      year_month: { S: '2022-11' },
      rest_of_ts: { S: '07-18:03:20.703123' },
      timestamp: { N: '1667844200703123' },
      key1: { S: 'value1' },
      key2: { N: '10' },
      key3: { S: 'value3' },
    },
  },
  {
    name: 'Example 3',
    env: { param_partition_key: 'my_date_time|%Y-%m-%dT%H:%M:%S.%f', param_sort_key: '' },
    expected: {
      my_date_time: { S: '2022-11-07T18:03:20.703123' },
      timestamp: { N: '1667844200703123' },
      key1: { S: 'value1' },
      key2: { N: '10' },
      key3: { S: 'value3' },
    },
  },
];
