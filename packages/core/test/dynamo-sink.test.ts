// Unit tests of DynamoSink on the in-memory FakeDynamoDB: what lands in the table, what the fake saw, what `write` settles with.
// Zero backoff everywhere, so retries cost a timer tick and every test runs in milliseconds.
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type AttributeValue,
  type BatchWriteItemCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { NumberValueImpl as NumberValue } from '@aws-sdk/util-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  DynamoSink,
  RecordError,
  SinkError,
  WriteError,
  type BatchWrittenEvent,
  type DynamoSinkOptions,
  type FailureReason,
  type RecordFailure,
  type RetryEvent,
  type SinkEvents,
  type SinkRecord,
  type ThrottleEvent,
} from '../src/index.js';
import { FakeDynamoDB, type FakeDynamoDBOptions, type FakeErrorName } from '../src/testing/fake-dynamodb.js';

type Value = Record<string, unknown>;
type Rec = SinkRecord<Value>;

const TABLE = 'events';
const NO_BACKOFF = { minTimeout: 0, maxTimeout: 0 } as const;
const TS = 1667844200703; // 2022-11-07T18:03:20.703Z
const DAY = '2022-11-07';

const rec = (id: string, fields: Value = {}): Rec => ({ value: { id, ...fields } });
/** `count` records with distinct, zero-padded ids (so the fake's key order is their order). */
const many = (count: number, prefix = 'id', from = 0): Rec[] =>
  Array.from({ length: count }, (_, i) => rec(`${prefix}-${String(from + i).padStart(3, '0')}`, { n: from + i }));
const values = (records: readonly Rec[]) => records.map((record) => record.value);

interface Harness {
  readonly fake: FakeDynamoDB;
  readonly sink: DynamoSink;
  /** The input of every BatchWriteItem call, in the order the sink sent them (failed calls included). */
  readonly inputs: BatchWriteItemCommandInput[];
  /** The items of every BatchWriteItem call, in the order sent. */
  readonly requests: Record<string, AttributeValue>[][];
  /** The `id` (S or N) of each item of each request. */
  ids(): string[][];
  /** The `value` attribute (N) of each item of each request. */
  sentValues(): string[][];
}

interface HarnessOptions {
  readonly fake?: FakeDynamoDBOptions;
  /** Key schema of the table created up front; `false` creates none. */
  readonly table?: Parameters<FakeDynamoDB['createTableSync']>[1] | false;
  readonly sink?: Partial<DynamoSinkOptions<Value>>;
}

function harness(options: HarnessOptions = {}): Harness {
  const fake = new FakeDynamoDB(options.fake);
  if (options.table !== false) fake.createTableSync(TABLE, options.table ?? { partitionKey: 'id' });
  const inputs: BatchWriteItemCommandInput[] = [];
  const requests: Record<string, AttributeValue>[][] = [];
  const client = {
    send(command: any): Promise<any> {
      if (command instanceof BatchWriteItemCommand) {
        inputs.push(command.input);
        requests.push(Object.values(command.input.RequestItems ?? {}).flat().map((request) => ({ ...request.PutRequest!.Item! })));
      }
      return fake.send(command);
    },
  };
  const sink = new DynamoSink({ client, tableName: TABLE, partitionKey: 'id', retry: NO_BACKOFF, ...options.sink });
  const attr = (value: AttributeValue | undefined) => value?.S ?? value?.N ?? '?';
  return {
    fake,
    sink,
    inputs,
    requests,
    ids: () => requests.map((items) => items.map((item) => attr(item.id))),
    sentValues: () => requests.map((items) => items.map((item) => attr(item.value))),
  };
}

/** Settles a promise that must reject with a WriteError, and returns the error. */
async function writeError(promise: Promise<unknown>): Promise<WriteError<Value>> {
  const outcome = await promise.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a WriteError, but write resolved with ${JSON.stringify(outcome.result)}`);
  expect(outcome.error).toBeInstanceOf(WriteError);
  return outcome.error as WriteError<Value>;
}

async function until(condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function describeTable(fake: FakeDynamoDB, tableName = TABLE): Promise<TableDescription> {
  return (await fake.send(new DescribeTableCommand({ TableName: tableName }))).Table!;
}

/** Every key of the table was written this many times. */
function expectWritesPerKey(fake: FakeDynamoDB, keys: readonly string[], times: number): void {
  const perKey = fake.stats.writesPerKey(TABLE);
  expect(new Map([...perKey].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(new Map([...keys].sort().map((key) => [key, times])));
}

function recordEvents() {
  const batchWritten: BatchWrittenEvent[] = [];
  const retry: RetryEvent[] = [];
  const throttled: ThrottleEvent[] = [];
  const failed: RecordFailure[] = [];
  const events: SinkEvents = {
    batchWritten: (event) => batchWritten.push(event),
    retry: (event) => retry.push(event),
    throttled: (event) => throttled.push(event),
    failed: (failure) => failed.push(failure),
  };
  return { events, batchWritten, retry, throttled, failed };
}

// ---------------------------------------------------------------------------------------------------------------------

describe('DynamoSink: batching', () => {
  it('sends 60 records as requests of 25, 25 and 10', async () => {
    const { fake, sink, requests } = harness();
    const records = many(60);
    await expect(sink.write(records)).resolves.toEqual({ written: 60, stale: 0, failed: [] });
    expect(requests.map((items) => items.length)).toEqual([25, 25, 10]);
    expect(fake.stats.batchWriteCalls).toBe(3);
    expect(fake.items(TABLE)).toEqual(values(records));
    expectWritesPerKey(fake, records.map((record) => record.value.id as string), 1);
  });

  it.each([1, 3, 8])('keeps exactly maxInFlight = %i requests in flight, never more', async (maxInFlight) => {
    const { fake, sink } = harness({ fake: { latencyMs: 4 }, sink: { maxInFlight } });
    const records = many(300); // 12 requests
    await expect(sink.write(records)).resolves.toEqual({ written: 300, stale: 0, failed: [] });
    expect(fake.stats.batchWriteCalls).toBe(12);
    expect(fake.stats.peakInFlight).toBe(maxInFlight);
    expect(fake.items(TABLE)).toHaveLength(300);
  });

  it('packs the records of concurrent write calls into shared requests', async () => {
    const { fake, sink, ids } = harness({ fake: { latencyMs: 5 }, sink: { maxInFlight: 1 } });
    await sink.open(); // the table is known, so the first write's request leaves at once
    const a = many(5, 'a');
    const b = many(15, 'b');
    const c = many(15, 'c');
    const results = await Promise.all([sink.write(a), sink.write(b), sink.write(c)]);
    expect(results).toEqual([
      { written: 5, stale: 0, failed: [] },
      { written: 15, stale: 0, failed: [] },
      { written: 15, stale: 0, failed: [] },
    ]);
    // `a` goes out alone; `b` and `c` queue behind it and fill the next request together.
    const key = (record: Rec) => record.value.id as string;
    expect(ids()).toEqual([a.map(key), [...b, ...c.slice(0, 10)].map(key), c.slice(10).map(key)]);
    expect(fake.items(TABLE)).toEqual(values([...a, ...b, ...c]));
  });

  it('resolves an empty write without calling BatchWriteItem', async () => {
    const { fake, sink } = harness();
    await expect(sink.write([])).resolves.toEqual({ written: 0, stale: 0, failed: [] });
    expect(fake.stats.batchWriteCalls).toBe(0);
  });

  it('rejects a non-array with a TypeError', async () => {
    const { sink } = harness();
    await expect(sink.write({} as unknown as Rec[])).rejects.toThrow(new TypeError('Expected `records` to be an array of { value, timestamp? }'));
  });
});

describe('DynamoSink: dedup and ordering', () => {
  it('collapses duplicates of one key in a write into one item, the newest, sent once', async () => {
    const { fake, sink, ids, sentValues } = harness();
    const records = [rec('a', { value: 1 }), rec('b', { value: 1 }), rec('a', { value: 2 }), rec('a', { value: 3 })];
    // Superseded records count as written: the newest overwrites them.
    await expect(sink.write(records)).resolves.toEqual({ written: 4, stale: 0, failed: [] });
    expect(ids()).toEqual([['a', 'b']]);
    expect(sentValues()).toEqual([['3', '1']]);
    expect(fake.items(TABLE)).toEqual([
      { id: 'a', value: 3 },
      { id: 'b', value: 1 },
    ]);
    expectWritesPerKey(fake, ['a', 'b'], 1);
    expect(fake.stats.errors).toEqual({});
  });

  it('never puts one key twice in a request, across 100 records on 7 keys', async () => {
    const { fake, sink, ids } = harness();
    const records = Array.from({ length: 100 }, (_, i) => rec(`k${i % 7}`, { value: i }));
    await expect(sink.write(records)).resolves.toEqual({ written: 100, stale: 0, failed: [] });
    for (const request of ids()) expect(new Set(request).size).toBe(request.length);
    const newest = new Map(records.map((record) => [record.value.id, record.value]));
    expect(fake.items(TABLE)).toEqual([...newest.keys()].sort().map((id) => newest.get(id)));
    expect(fake.items(TABLE)[0]).toEqual({ id: 'k0', value: 98 });
    expect(fake.stats.errors).toEqual({});
  });

  it('writes a key rewritten by a second write while the first is in flight after it: the newest lands last', async () => {
    // Jitter lets concurrent calls finish out of order: only the per-key lock keeps the order.
    const { fake, sink, ids, sentValues } = harness({ fake: { latencyMs: 10, jitterMs: 10, seed: 3 } });
    await sink.open();
    const first = sink.write([rec('a', { value: 1 }), rec('b', { value: 1 })]);
    await until(() => fake.stats.inFlight === 1, 'the first request is in flight');
    const second = sink.write([rec('a', { value: 2 }), rec('c', { value: 2 })]);
    await expect(Promise.all([first, second])).resolves.toEqual([
      { written: 2, stale: 0, failed: [] },
      { written: 2, stale: 0, failed: [] },
    ]);
    // `c` did not wait; `a` waited for its first write to be answered.
    expect(ids()).toEqual([['a', 'b'], ['c'], ['a']]);
    expect(sentValues()).toEqual([['1', '1'], ['2'], ['2']]);
    expect(fake.items(TABLE)).toEqual([
      { id: 'a', value: 2 },
      { id: 'b', value: 1 },
      { id: 'c', value: 2 },
    ]);
    expect(fake.stats.writesPerKey(TABLE).get('a')).toBe(2);
  });

  it('ends with the last record of a hot key updated by 40 concurrent writes', async () => {
    const { fake, sink, ids } = harness({ fake: { latencyMs: 1, jitterMs: 4, seed: 11 }, sink: { maxInFlight: 4 } });
    const calls = Array.from({ length: 40 }, (_, i) => sink.write([rec('hot', { value: i }), rec(`cold-${String(i).padStart(2, '0')}`, { value: i })]));
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: 40 }, () => ({ written: 2, stale: 0, failed: [] })));
    expect(fake.items(TABLE).find((item) => item.id === 'hot')).toEqual({ id: 'hot', value: 39 });
    expect(fake.items(TABLE)).toHaveLength(41);
    for (const request of ids()) expect(request.filter((id) => id === 'hot').length).toBeLessThanOrEqual(1);
    expect(fake.stats.peakInFlight).toBeLessThanOrEqual(4);
    expect(fake.stats.errors).toEqual({});
  });

  it('collapses records of one key from two calls queued behind a busy slot: one put, both calls count it written', async () => {
    const { fake, sink, ids, sentValues } = harness({ fake: { latencyMs: 5 }, sink: { maxInFlight: 1 } });
    await sink.open(); // the table is known, so the first write's request leaves at once
    const busy = sink.write([rec('x')]);
    const older = sink.write([rec('a', { value: 1 })]);
    const newer = sink.write([rec('a', { value: 2 })]);
    await expect(Promise.all([busy, older, newer])).resolves.toEqual([
      { written: 1, stale: 0, failed: [] },
      { written: 1, stale: 0, failed: [] },
      { written: 1, stale: 0, failed: [] },
    ]);
    expect(ids()).toEqual([['x'], ['a']]);
    expect(sentValues()).toEqual([['?'], ['2']]);
    expect(fake.stats.writesPerKey(TABLE).get('a')).toBe(1);
    expect(fake.items(TABLE)).toEqual([{ id: 'a', value: 2 }, { id: 'x' }]);
  });
});

describe('DynamoSink: retries', () => {
  it('re-sends UnprocessedItems until written, each record put once', async () => {
    const { fake, sink, ids } = harness();
    fake.failNext({ unprocessed: 5 }).failNext({ unprocessed: 2 });
    const records = many(25);
    await expect(sink.write(records)).resolves.toEqual({ written: 25, stale: 0, failed: [] });
    const key = (record: Rec) => record.value.id as string;
    expect(ids()).toEqual([records.map(key), records.slice(20).map(key), records.slice(23).map(key)]);
    expect(fake.stats.unprocessedItems).toBe(7);
    expect(fake.items(TABLE)).toEqual(values(records));
    expectWritesPerKey(fake, records.map(key), 1);
  });

  it('writes everything under a 30% unprocessedRate, each key applied exactly once', async () => {
    const { fake, sink } = harness({ fake: { unprocessedRate: 0.3, seed: 7 }, sink: { maxRetries: 30 } });
    const records = many(200);
    await expect(sink.write(records)).resolves.toEqual({ written: 200, stale: 0, failed: [] });
    expect(fake.stats.unprocessedItems).toBeGreaterThan(20);
    expect(fake.items(TABLE)).toEqual(values(records));
    expectWritesPerKey(fake, records.map((record) => record.value.id as string), 1);
  });

  it('writes everything under random throttling and server errors', async () => {
    const { fake, sink } = harness({ fake: { throttleRate: 0.3, serverErrorRate: 0.2, unprocessedRate: 0.1, seed: 5 }, sink: { maxRetries: 40 } });
    const records = many(150);
    await expect(sink.write(records)).resolves.toEqual({ written: 150, stale: 0, failed: [] });
    expect(fake.stats.errors.ProvisionedThroughputExceededException).toBeGreaterThan(0);
    expect(fake.stats.errors.InternalServerError).toBeGreaterThan(0);
    expect(fake.items(TABLE)).toEqual(values(records));
  });

  const retryable: [string, FakeErrorName | Error][] = [
    ['ProvisionedThroughputExceededException', 'ProvisionedThroughputExceededException'],
    ['ThrottlingException', 'ThrottlingException'],
    ['RequestLimitExceeded', 'RequestLimitExceeded'],
    ['InternalServerError', 'InternalServerError'],
    ['ServiceUnavailable', 'ServiceUnavailable'],
    ['a network error (ECONNRESET)', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a socket hang up without a code', new Error('socket hang up')],
  ];
  it.each(retryable)('retries a request failed by %s', async (_name, error) => {
    const { fake, sink } = harness();
    fake.failNext({ error, times: 2 });
    const records = many(10);
    await expect(sink.write(records)).resolves.toEqual({ written: 10, stale: 0, failed: [] });
    expect(fake.stats.batchWriteCalls).toBe(3);
    expect(fake.pendingFaults).toBe(0);
    expect(fake.items(TABLE)).toEqual(values(records));
  });

  it.each([1, 3])('succeeds when a request is throttled maxRetries (%i) times in a row', async (maxRetries) => {
    const { fake, sink } = harness({ sink: { maxRetries } });
    fake.failNext({ error: 'ProvisionedThroughputExceededException', times: maxRetries });
    const records = many(10);
    await expect(sink.write(records)).resolves.toEqual({ written: 10, stale: 0, failed: [] });
    expect(fake.stats.batchWriteCalls).toBe(maxRetries + 1);
    expect(fake.items(TABLE)).toEqual(values(records));
  });

  it.each([0, 1, 3])(
    'gives back exactly the records of a request throttled maxRetries + 1 times (maxRetries %i), writes the others',
    async (maxRetries) => {
      const { fake, sink } = harness({ sink: { maxRetries, maxInFlight: 1 } });
      fake.failNext({ error: 'ProvisionedThroughputExceededException', times: maxRetries + 1 });
      const records = many(30); // 25 in the first request, which fails for good; 5 in the second
      const error = await writeError(sink.write(records));
      expect(error.unwritten).toEqual(records.slice(0, 25));
      expect(error.unwritten[0]).toBe(records[0]);
      expect(error.written).toBe(5);
      expect(error.failed).toEqual([]);
      expect(error.retriable).toBe(true);
      expect(error.message).toMatch(
        /^25 of 30 records were not written: BatchWriteItem to "events" failed \(retries ran out\): ProvisionedThroughputExceededException: /,
      );
      expect(fake.stats.batchWriteCalls).toBe(maxRetries + 2);
      expect(fake.items(TABLE)).toEqual(values(records.slice(25)));
    },
  );

  it('counts UnprocessedItems against maxRetries, per record', async () => {
    const { fake, sink } = harness({ sink: { maxRetries: 2 } });
    fake.failNext({ unprocessed: 1, times: 3 });
    const records = many(5);
    const error = await writeError(sink.write(records));
    expect(error.unwritten).toEqual([records[4]]);
    expect(error.written).toBe(4);
    expect(error.message).toBe('1 of 5 records were not written: DynamoDB left the item unprocessed 3 times (maxRetries 2)');
    expect(fake.items(TABLE)).toEqual(values(records.slice(0, 4)));

    const again = harness({ sink: { maxRetries: 2 } });
    again.fake.failNext({ unprocessed: 1, times: 2 });
    await expect(again.sink.write(records)).resolves.toEqual({ written: 5, stale: 0, failed: [] });
    expect(again.fake.items(TABLE)).toEqual(values(records));
  });

  it('keeps a separate retry budget per record when a retried record shares a request with fresh ones', async () => {
    const { fake, sink, ids } = harness({ fake: { latencyMs: 5 }, sink: { maxRetries: 2, maxInFlight: 1 } });
    await sink.open();
    // a2 is left unprocessed once (1 try used), then rides with b0..b2 in a request throttled twice:
    // a2 has used 3 > 2 tries and is given back; b0..b2 have used 2 and get one more request.
    fake.failNext({ unprocessed: 1 }).failNext({ error: 'ProvisionedThroughputExceededException', times: 2 });
    const a = many(3, 'a');
    const b = many(3, 'b');
    const first = sink.write(a);
    await until(() => fake.stats.inFlight === 1, 'the first request is in flight');
    const second = sink.write(b);
    const error = await writeError(first);
    expect(error.unwritten).toEqual([a[2]]);
    expect(error.written).toBe(2);
    await expect(second).resolves.toEqual({ written: 3, stale: 0, failed: [] });
    const key = (record: Rec) => record.value.id as string;
    const ab = [a[2]!, ...b].map(key);
    expect(ids()).toEqual([a.map(key), ab, ab, b.map(key)]);
    expect(fake.items(TABLE)).toEqual(values([a[0]!, a[1]!, ...b]));
  });

  it.each<[string, FakeErrorName | Error]>([
    ['InternalServerError', 'InternalServerError'],
    ['a network error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
  ])('ends with each item written once in the table when %s hides a successful write', async (_name, error) => {
    const { fake, sink } = harness();
    fake.failNext({ error, afterWrite: true });
    const records = many(10);
    await expect(sink.write(records)).resolves.toEqual({ written: 10, stale: 0, failed: [] });
    expect(fake.stats.batchWriteCalls).toBe(2);
    expect(fake.items(TABLE)).toEqual(values(records));
    // The client cannot know the first put happened: the same item is put again, which is harmless.
    expectWritesPerKey(fake, records.map((record) => record.value.id as string), 2);
  });

  it('keeps the newest value when a write hidden by an afterWrite fault is retried while the key is rewritten', async () => {
    const { fake, sink, sentValues } = harness({ fake: { latencyMs: 5 } });
    await sink.open();
    fake.failNext({ error: 'InternalServerError', afterWrite: true });
    const first = sink.write([rec('a', { value: 1 })]);
    await until(() => fake.stats.inFlight === 1, 'the first request is in flight');
    const second = sink.write([rec('a', { value: 2 })]);
    await expect(Promise.all([first, second])).resolves.toEqual([
      { written: 1, stale: 0, failed: [] },
      { written: 1, stale: 0, failed: [] },
    ]);
    expect(sentValues()).toEqual([['1'], ['1'], ['2']]);
    expect(fake.items(TABLE)).toEqual([{ id: 'a', value: 2 }]);
  });

  it('gives up on a table deleted after open, after maxRetries, with a message naming the table', async () => {
    const { fake, sink } = harness({ sink: { maxRetries: 2 } });
    await sink.open();
    await fake.send(new DeleteTableCommand({ TableName: TABLE }));
    const records = many(3);
    const error = await writeError(sink.write(records));
    expect(error.unwritten).toEqual(records);
    expect(error.message).toBe(
      '3 of 3 records were not written: Table "events" was not found (Requested resource not found); create it, or pass createTable: true',
    );
    expect(fake.stats.batchWriteCalls).toBe(3);
  });
});

describe('DynamoSink: errors that are not retried', () => {
  it.each<FakeErrorName>(['AccessDeniedException', 'UnrecognizedClientException'])(
    'does not retry %s on BatchWriteItem and gives every record back',
    async (name) => {
      const { fake, sink } = harness();
      fake.failNext({ error: name });
      const records = many(10);
      const error = await writeError(sink.write(records));
      expect(fake.stats.batchWriteCalls).toBe(1);
      expect(error.unwritten).toEqual(records);
      expect(error.written).toBe(0);
      expect(error.failed).toEqual([]);
      expect(error.message).toMatch(new RegExp(`^10 of 10 records were not written: BatchWriteItem to "events" failed \\(the error is not retryable\\): ${name}: `));
      expect(((error.cause as Error).cause as Error).name).toBe(name);
      expect(fake.items(TABLE)).toEqual([]);
    },
  );

  it('rejects every call whose records collapsed into an entry that failed fatally, each with its own records', async () => {
    const { fake, sink } = harness({ fake: { latencyMs: 5 }, sink: { maxInFlight: 1 } });
    await sink.open(); // the table is known, so the first write's request leaves at once
    fake.failNext({ unprocessed: 0 }).failNext({ error: 'AccessDeniedException' });
    const busy = sink.write([rec('x')]);
    const older = [rec('a', { value: 1 })];
    const newer = [rec('a', { value: 2 })];
    const olderCall = sink.write(older);
    const newerCall = sink.write(newer);
    await expect(busy).resolves.toEqual({ written: 1, stale: 0, failed: [] });
    expect((await writeError(olderCall)).unwritten).toEqual(older);
    expect((await writeError(newerCall)).unwritten).toEqual(newer);
    expect(fake.items(TABLE)).toEqual([{ id: 'x' }]);
  });

  // Only the server knows its secondary indexes: an item whose index key has the wrong type or is empty is refused there.
  const indexed = { partitionKey: 'id', globalIndexes: { 'by-region': 'region' } } as const;
  it.each([
    { name: 'an index key of the wrong type', bad: rec('id-006', { region: 7 }), message: 'Type mismatch for Index Key region Expected: S Actual: N IndexName: by-region' },
    { name: 'an empty index key', bad: rec('id-006', { region: '' }), message: 'cannot contain an empty string value. IndexName: by-region, IndexKey: region' },
  ])('isolates an item DynamoDB refuses ($name): the others are written, it alone fails as rejected', async ({ bad, message }) => {
    const recorded = recordEvents();
    const { fake, sink } = harness({ table: indexed, sink: { events: recorded.events } });
    const records = many(10).map((record) => rec(record.value.id as string, { region: 'eu' }));
    records[6] = bad;
    const result = await sink.write(records);
    expect(result.written).toBe(9);
    expect(result.failed).toHaveLength(1);
    const [failure] = result.failed;
    expect(failure).toMatchObject({ index: 6, reason: 'rejected', record: bad });
    expect(failure!.error).toBeInstanceOf(RecordError);
    expect(failure!.error.message).toMatch(/^DynamoDB rejected the item: /);
    expect(failure!.error.message).toContain(message);
    expect(recorded.failed).toEqual([failure]);
    const good = records.filter((_, i) => i !== 6);
    expect(fake.items(TABLE)).toEqual(values(good));
    expect(Math.max(...fake.stats.writesPerKey(TABLE).values())).toBe(1);
    expect(fake.stats.errors.ValidationException).toBeGreaterThanOrEqual(1);
  });

  it('isolates a rejected item without any events hooks too', async () => {
    const { fake, sink } = harness({ table: indexed, sink: { events: undefined } });
    const records = [rec('a'), rec('b', { region: 5 }), rec('c')];
    const result = await sink.write(records);
    expect(result.written).toBe(2);
    expect(result.failed.map((failure) => [failure.index, failure.reason])).toEqual([[1, 'rejected']]);
    expect(fake.items(TABLE)).toEqual([{ id: 'a' }, { id: 'c' }]);
  });

  it.each([
    { name: 'a partition key over 2048 bytes', table: { partitionKey: 'id' }, sink: {}, bad: rec('k'.repeat(2049)), field: 'id', message: 'Key field "id" is 2049 bytes, over DynamoDB\'s limit of 2048 bytes for this key' },
    {
      name: 'a sort key over 1024 bytes',
      table: { partitionKey: 'id', sortKey: 'sk' },
      sink: { sortKey: 'sk' },
      bad: rec('id-006', { sk: 'é'.repeat(513) }),
      field: 'sk',
      message: 'Key field "sk" is 1026 bytes, over DynamoDB\'s limit of 1024 bytes for this key',
    },
  ])('fails $name as invalid-key before sending it: the others are written, none refused by DynamoDB', async ({ table, sink: sinkOptions, bad, field, message }) => {
    const { fake, sink } = harness({ table, sink: sinkOptions });
    const records = many(10).map((record) => (table.sortKey ? rec(record.value.id as string, { ...record.value, sk: 'x' }) : record));
    records[6] = bad;
    const result = await sink.write(records);
    expect(result.written).toBe(9);
    expect(result.failed.map((failure) => [failure.index, failure.reason, failure.field, failure.error.message])).toEqual([[6, 'invalid-key', field, message]]);
    expect(fake.items(TABLE)).toEqual(values(records.filter((_, i) => i !== 6)));
    expect(fake.stats.errors.ValidationException ?? 0).toBe(0);
    expect(fake.stats.batchWriteCalls).toBe(1);
  });

  it('fails a record alone when DynamoDB refuses its single-item request', async () => {
    const { fake, sink } = harness();
    fake.failNext({ error: 'ValidationException', message: 'One or more parameter values were invalid: scripted' });
    const result = await sink.write([rec('a')]);
    expect(result.written).toBe(0);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({ index: 0, reason: 'rejected' });
    expect(result.failed[0]!.error.message).toBe('DynamoDB rejected the item: One or more parameter values were invalid: scripted');
    expect(fake.stats.batchWriteCalls).toBe(1);
    expect(fake.items(TABLE)).toEqual([]);
  });

  it('writes the older record of a key when the newer one that superseded it is rejected', async () => {
    const { fake, sink, sentValues } = harness();
    fake.failNext({ error: 'ValidationException' });
    const records = [rec('a', { value: 1 }), rec('a', { value: 2 })];
    const result = await sink.write(records);
    expect(result.written).toBe(1);
    expect(result.failed.map((failure) => [failure.index, failure.reason, failure.record])).toEqual([[1, 'rejected', records[1]]]);
    expect(sentValues()).toEqual([['2'], ['1']]);
    expect(fake.items(TABLE)).toEqual([{ id: 'a', value: 1 }]);
  });

  it('writes the older record of another call when the newer one that superseded it is rejected', async () => {
    const { fake, sink } = harness({ fake: { latencyMs: 5 }, sink: { maxInFlight: 1 } });
    await sink.open(); // the table is known, so the first write's request leaves at once
    fake.failNext({ unprocessed: 0 }).failNext({ error: 'ValidationException' });
    const busy = sink.write([rec('x')]);
    const older = sink.write([rec('a', { value: 1 })]);
    const newer = sink.write([rec('a', { value: 2 })]);
    await expect(busy).resolves.toEqual({ written: 1, stale: 0, failed: [] });
    await expect(older).resolves.toEqual({ written: 1, stale: 0, failed: [] });
    const rejected = await newer;
    expect(rejected.written).toBe(0);
    expect(rejected.failed.map((failure) => [failure.index, failure.reason])).toEqual([[0, 'rejected']]);
    expect(fake.items(TABLE)).toEqual([{ id: 'a', value: 1 }, { id: 'x' }]);
  });
});

describe('DynamoSink: record failures', () => {
  // A table with a time-formatted sort key, so that timestamps matter too; good records carry a timestamp.
  const table = { partitionKey: 'id', sortKey: 'day' } as const;
  const sinkOptions = { sortKey: 'day|%Y-%m-%d' } as const;
  const good = (id: string, n: number): Rec => ({ value: { id, n }, timestamp: TS });
  const stored = (id: string, n: number) => ({ id, n, day: DAY });

  const cases: { name: string; bad: Rec; reason: FailureReason; field: string | undefined; message: string | RegExp }[] = [
    { name: 'a missing key field', bad: { value: { n: 1 }, timestamp: TS }, reason: 'invalid-key', field: 'id', message: 'Key field "id" must be a non-empty string, got nothing (the field is missing)' },
    { name: 'an empty key string', bad: { value: { id: '', n: 1 }, timestamp: TS }, reason: 'invalid-key', field: 'id', message: 'Key field "id" must be a non-empty string, got an empty string' },
    { name: 'a number for a string key', bad: { value: { id: 17 }, timestamp: TS }, reason: 'invalid-key', field: 'id', message: 'Key field "id" must be a non-empty string, got number 17' },
    {
      name: 'no timestamp for a time-formatted key',
      bad: { value: { id: 'b' } },
      reason: 'invalid-key',
      field: 'timestamp',
      message: 'No timestamp for a time-formatted key: the value has no "timestamp" field and the record has no timestamp',
    },
    { name: 'an unreadable timestamp', bad: { value: { id: 'b', timestamp: 'yesterday' } }, reason: 'invalid-key', field: 'timestamp', message: /^Cannot read the timestamp: / },
    { name: 'NaN', bad: { value: { id: 'b', n: Number.NaN }, timestamp: TS }, reason: 'invalid-value', field: 'n', message: 'n: number NaN cannot be stored: DynamoDB numbers must be finite' },
    { name: 'Infinity', bad: { value: { id: 'b', n: Number.POSITIVE_INFINITY }, timestamp: TS }, reason: 'invalid-value', field: 'n', message: 'n: number Infinity cannot be stored: DynamoDB numbers must be finite' },
    {
      name: '-Infinity deep in a list',
      bad: { value: { id: 'b', payload: { a: [1, Number.NEGATIVE_INFINITY] } }, timestamp: TS },
      reason: 'invalid-value',
      field: 'payload.a[1]',
      message: 'payload.a[1]: number -Infinity cannot be stored: DynamoDB numbers must be finite',
    },
    {
      name: 'a 39-digit bigint',
      bad: { value: { id: 'b', n: 123456789012345678901234567890123456789n }, timestamp: TS },
      reason: 'invalid-value',
      field: 'n',
      message: 'n: number 123456789012345678901234567890123456789 has more than 38 significant digits, the most DynamoDB stores',
    },
    {
      name: 'a 39-digit NumberValue',
      bad: { value: { id: 'b', n: NumberValue.from('1.23456789012345678901234567890123456789') }, timestamp: TS },
      reason: 'invalid-value',
      field: 'n',
      message: 'n: number 1.23456789012345678901234567890123456789 has more than 38 significant digits, the most DynamoDB stores',
    },
    { name: 'a function', bad: { value: { id: 'b', f: function handler() {} }, timestamp: TS }, reason: 'invalid-value', field: 'f', message: 'f: function handler cannot be stored in DynamoDB' },
    { name: 'a value that is not an object', bad: { value: 'text' as unknown as Value, timestamp: TS }, reason: 'invalid-value', field: undefined, message: 'Record value must be an object, got string' },
    {
      name: 'an item over 400 KB',
      bad: { value: { id: 'b', blob: 'x'.repeat(410_000) }, timestamp: TS },
      reason: 'item-too-large',
      field: undefined,
      message: /^Item is 41\d{4} bytes, over DynamoDB's limit of 409600 bytes \(400 KB\)$/,
    },
  ];

  describe.each([
    { hooks: 'with an events.failed hook', withHook: true, events: undefined as SinkEvents | undefined },
    { hooks: 'without any events option', withHook: false, events: undefined },
    { hooks: 'with events: {}', withHook: false, events: {} },
    { hooks: 'with other hooks but no failed hook', withHook: false, events: { batchWritten: () => {}, retry: () => {}, throttled: () => {} } },
  ])('$hooks', ({ withHook, events }) => {
    it.each(cases)('fails $name alone, with its index, field and message; its neighbours are written', async ({ bad, reason, field, message }) => {
      const failedHook = vi.fn<(failure: RecordFailure) => void>();
      const { fake, sink } = harness({ table, sink: { ...sinkOptions, events: withHook ? { failed: failedHook } : events } });
      const records = [good('a', 0), bad, good('c', 2)];
      const result = await sink.write(records);
      expect(result.written).toBe(2);
      expect(result.failed).toHaveLength(1);
      const failure = result.failed[0]!;
      expect(failure.index).toBe(1);
      expect(failure.record).toBe(bad);
      expect(failure.reason).toBe(reason);
      expect(failure.field).toBe(field);
      expect(failure.error).toBeInstanceOf(RecordError);
      if (typeof message === 'string') expect(failure.error.message).toBe(message);
      else expect(failure.error.message).toMatch(message);
      if (withHook) expect(failedHook.mock.calls).toEqual([[failure]]);
      expect(fake.items(TABLE)).toEqual([stored('a', 0), stored('c', 2)]);
      expect(fake.stats.errors).toEqual({});
    });

    it('fails several bad records of one write, each alone, listed by index', async () => {
      const failedHook = vi.fn<(failure: RecordFailure) => void>();
      const { fake, sink } = harness({ table, sink: { ...sinkOptions, events: withHook ? { failed: failedHook } : events } });
      const records = cases.flatMap((c, i) => [good(`g${String(i).padStart(2, '0')}`, i), c.bad]);
      const result = await sink.write(records);
      expect(result.written).toBe(cases.length);
      expect(result.failed.map((failure) => [failure.index, failure.reason])).toEqual(cases.map((c, i) => [2 * i + 1, c.reason]));
      if (withHook) expect(failedHook).toHaveBeenCalledTimes(cases.length);
      expect(fake.items(TABLE)).toHaveLength(cases.length);
    });

    it('resolves a write whose records all fail', async () => {
      const { fake, sink } = harness({ table, sink: { ...sinkOptions, events: withHook ? { failed: () => {} } : events } });
      const result = await sink.write([cases[0]!.bad, cases[5]!.bad]);
      expect(result).toMatchObject({ written: 0, stale: 0, failed: [{ index: 0 }, { index: 1 }] });
      expect(fake.stats.batchWriteCalls).toBe(0);
    });
  });

  it('writes an item of exactly 400 KB and fails one a byte larger as item-too-large', async () => {
    const { fake, sink } = harness();
    // id (2) + "k1" (2) + blob (4) + the string: 409 600 bytes by DynamoDB's rules.
    const fits = rec('k1', { blob: 'x'.repeat(409_600 - 8) });
    const over = rec('k2', { blob: 'x'.repeat(409_600 - 7) });
    const result = await sink.write([fits, over]);
    expect(result.written).toBe(1);
    expect(result.failed.map((failure) => [failure.index, failure.reason, failure.error.message])).toEqual([
      [1, 'item-too-large', "Item is 409601 bytes, over DynamoDB's limit of 409600 bytes (400 KB)"],
    ]);
    expect(fake.items(TABLE).map((item) => item.id)).toEqual(['k1']);
    expect(fake.stats.errors).toEqual({});
  });
});

describe('DynamoSink: events', () => {
  it('reports batchWritten with counts and latency, throttled and retry for UnprocessedItems', async () => {
    const recorded = recordEvents();
    const { fake, sink } = harness({ fake: { latencyMs: 5 }, sink: { events: recorded.events } });
    await sink.open();
    fake.failNext({ unprocessed: 3 });
    await sink.write(many(10));
    expect(recorded.batchWritten.map(({ written, unprocessed }) => ({ written, unprocessed }))).toEqual([
      { written: 7, unprocessed: 3 },
      { written: 3, unprocessed: 0 },
    ]);
    for (const event of recorded.batchWritten) {
      expect(event.latencyMs).toBeGreaterThanOrEqual(4);
      expect(event).not.toHaveProperty('consumedCapacity');
    }
    expect(recorded.throttled).toEqual([{ items: 3, reason: 'unprocessed' }]);
    expect(recorded.retry).toEqual(Array.from({ length: 3 }, () => ({ items: 1, attempt: 1, delayMs: 0, reason: 'unprocessed' })));
    expect(recorded.failed).toEqual([]);
  });

  it('reports throttled and retry (with the error) for a throttling error', async () => {
    const recorded = recordEvents();
    const { fake, sink } = harness({ sink: { events: recorded.events } });
    fake.failNext({ error: 'ProvisionedThroughputExceededException' });
    await sink.write(many(10));
    expect(recorded.throttled).toEqual([{ items: 10, reason: 'ProvisionedThroughputExceededException' }]);
    expect(recorded.retry).toHaveLength(1);
    expect(recorded.retry[0]).toMatchObject({ items: 10, attempt: 1, delayMs: 0, reason: 'ProvisionedThroughputExceededException' });
    expect(recorded.retry[0]!.error?.name).toBe('ProvisionedThroughputExceededException');
    expect(recorded.batchWritten.map(({ written, unprocessed }) => ({ written, unprocessed }))).toEqual([{ written: 10, unprocessed: 0 }]);
  });

  it('reports retry but not throttled for a server error', async () => {
    const recorded = recordEvents();
    const { fake, sink } = harness({ sink: { events: recorded.events } });
    fake.failNext({ error: 'InternalServerError', times: 2 });
    await sink.write(many(4));
    expect(recorded.throttled).toEqual([]);
    expect(recorded.retry.map(({ items, attempt, reason }) => ({ items, attempt, reason }))).toEqual([
      { items: 4, attempt: 1, reason: 'InternalServerError' },
      { items: 4, attempt: 2, reason: 'InternalServerError' },
    ]);
  });

  it.each([
    ['TOTAL', [{ TableName: TABLE, CapacityUnits: 10 }]],
    ['INDEXES', [{ TableName: TABLE, CapacityUnits: 10, Table: { CapacityUnits: 10 } }]],
  ] as const)('passes consumed capacity through with returnConsumedCapacity: %s', async (mode, expected) => {
    const recorded = recordEvents();
    const { sink, inputs } = harness({ sink: { events: recorded.events, returnConsumedCapacity: mode } });
    await sink.write(many(10));
    expect(inputs[0]!.ReturnConsumedCapacity).toBe(mode);
    expect(recorded.batchWritten).toHaveLength(1);
    expect(recorded.batchWritten[0]!.consumedCapacity).toEqual(expected);
  });

  it('does not ask for consumed capacity by default', async () => {
    const { sink, inputs } = harness();
    await sink.write(many(2));
    expect(inputs[0]).not.toHaveProperty('ReturnConsumedCapacity');
  });
});

describe('DynamoSink: the table', () => {
  it('creates a missing table with createTable: true, keyed on the key specs (S), PAY_PER_REQUEST', async () => {
    const { fake, sink } = harness({ table: false, sink: { partitionKey: 'year_month|%Y-%m', sortKey: 'key1', createTable: true } });
    await sink.open();
    expect(fake.stats.calls.CreateTable).toBe(1);
    const table = await describeTable(fake);
    expect(table.KeySchema).toEqual([
      { AttributeName: 'year_month', KeyType: 'HASH' },
      { AttributeName: 'key1', KeyType: 'RANGE' },
    ]);
    expect(table.AttributeDefinitions).toEqual([
      { AttributeName: 'year_month', AttributeType: 'S' },
      { AttributeName: 'key1', AttributeType: 'S' },
    ]);
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.SSEDescription).toBeUndefined();
    const ttl = await fake.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'DISABLED' });

    await expect(sink.write([{ value: { key1: 'value1', key2: 10 }, timestamp: TS }])).resolves.toEqual({ written: 1, stale: 0, failed: [] });
    expect(fake.items(TABLE)).toEqual([{ year_month: '2022-11', key1: 'value1', key2: 10 }]);
  });

  it('creates a PROVISIONED table with its throughput, SSE and TTL', async () => {
    const { fake, sink } = harness({
      table: false,
      sink: { createTable: { billingMode: 'PROVISIONED', provisionedThroughput: { read: 7, write: 3 }, sse: true, ttlAttribute: 'expires' } },
    });
    await sink.open();
    const table = await describeTable(fake);
    expect(table.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 7, WriteCapacityUnits: 3 });
    expect(table.BillingModeSummary).toBeUndefined();
    expect(table.SSEDescription).toMatchObject({ Status: 'ENABLED', SSEType: 'KMS' });
    const ttl = await fake.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });
  });

  it('creates a table encrypted with a customer managed key', async () => {
    const { fake, sink } = harness({ table: false, sink: { createTable: { sse: { kmsKeyId: 'my-key' } } } });
    await sink.open();
    const table = await describeTable(fake);
    expect(table.SSEDescription?.KMSMasterKeyArn).toMatch(/:key\/my-key$/);
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('waits for a table it created to leave CREATING before writing', async () => {
    const { fake, sink } = harness({ table: false, fake: { createTableMs: 100 }, sink: { createTable: { ttlAttribute: 'expires' } } });
    const records = many(5);
    await expect(sink.write(records)).resolves.toEqual({ written: 5, stale: 0, failed: [] });
    expect((await describeTable(fake)).TableStatus).toBe('ACTIVE');
    expect(fake.stats.calls.DescribeTable).toBeGreaterThanOrEqual(3);
    expect(fake.stats.batchWriteCalls).toBe(1);
    expect(fake.items(TABLE)).toEqual(values(records));
  });

  it('waits for an existing CREATING table without createTable', async () => {
    const { fake, sink } = harness({ table: false });
    fake.createTableSync(TABLE, { partitionKey: 'id' }, { creatingForMs: 80 });
    const records = many(5);
    await expect(sink.write(records)).resolves.toEqual({ written: 5, stale: 0, failed: [] });
    expect(fake.stats.calls.CreateTable).toBeUndefined();
    expect(fake.stats.batchWriteCalls).toBe(1);
    expect(fake.items(TABLE)).toEqual(values(records));
  });

  it('takes ResourceInUseException from a concurrent creator as success', async () => {
    const fake = new FakeDynamoDB({ latencyMs: 2 });
    const options = { client: fake, tableName: TABLE, partitionKey: 'id', retry: NO_BACKOFF, createTable: { ttlAttribute: 'expires' } };
    const first = new DynamoSink(options);
    const second = new DynamoSink(options);
    await Promise.all([first.open(), second.open()]);
    expect(fake.stats.calls.CreateTable).toBe(2);
    expect(fake.stats.errors.ResourceInUseException).toBe(1);
    const results = await Promise.all([first.write(many(3, 'a')), second.write(many(3, 'b'))]);
    expect(results).toEqual([
      { written: 3, stale: 0, failed: [] },
      { written: 3, stale: 0, failed: [] },
    ]);
    expect(fake.items(TABLE)).toHaveLength(6);
    const ttl = await fake.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });
  });

  it('rejects with a WriteError naming the missing table when createTable is off', async () => {
    const { fake, sink } = harness({ table: false });
    await expect(sink.open()).rejects.toThrow(new SinkError('Table "events" does not exist; create it, or pass createTable: true to let the sink create it'));
    const records = many(3);
    const error = await writeError(sink.write(records));
    expect(error.message).toBe('3 of 3 records were not written: Table "events" does not exist; create it, or pass createTable: true to let the sink create it');
    expect(error.unwritten).toEqual(records);
    expect(error.written).toBe(0);
    expect(error.failed).toEqual([]);
    expect(fake.stats.batchWriteCalls).toBe(0);
  });

  it.each([
    {
      name: 'a partition key spec naming another attribute',
      table: { partitionKey: 'id' },
      sink: { partitionKey: 'key1' },
      message: 'Table "events" has partition key "id" and no sort key, but `partitionKey` "key1" names "key1"',
    },
    {
      name: 'a sort key spec on a table without one',
      table: { partitionKey: 'id' },
      sink: { sortKey: 'rest|%H' },
      message: 'Table "events" has partition key "id" and no sort key, but `sortKey` is "rest|%H", naming "rest"',
    },
    {
      name: 'no sort key spec for a table with one',
      table: { partitionKey: 'id', sortKey: 'sk' },
      sink: {},
      message: 'Table "events" has partition key "id" and sort key "sk", but `sortKey` is not set',
    },
    {
      name: 'a time-formatted key on a numeric key attribute',
      table: { partitionKey: { name: 'id', type: 'N' as const } },
      sink: { partitionKey: 'id|%Y' },
      message: 'Key "id" is a formatted timestamp (a string), but table "events" declares it N',
    },
  ])('refuses $name with a ConfigError naming both', async ({ table, sink: sinkOptions, message }) => {
    const { fake, sink } = harness({ table, sink: sinkOptions });
    const opening = sink.open();
    await expect(opening).rejects.toThrow(message);
    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    const error = await writeError(sink.write([rec('a')]));
    expect(error.message).toBe(`1 of 1 records were not written: ${message}`);
    expect(fake.stats.batchWriteCalls).toBe(0);
  });

  it('writes with string keys when DescribeTable is denied', async () => {
    const { fake, sink } = harness();
    fake.failNext({ error: 'AccessDeniedException', operation: 'DescribeTable' });
    const records = many(5);
    await expect(sink.write(records)).resolves.toEqual({ written: 5, stale: 0, failed: [] });
    expect(fake.stats.calls.DescribeTable).toBe(1);
    expect(fake.items(TABLE)).toEqual(values(records));
  });

  it('creates the table without describing it when DescribeTable is denied and createTable is on', async () => {
    const { fake, sink } = harness({ table: false, sink: { createTable: { ttlAttribute: 'expires' } } });
    fake.failNext({ error: 'AccessDeniedException', operation: 'DescribeTable' });
    const records = many(5);
    await expect(sink.write(records)).resolves.toEqual({ written: 5, stale: 0, failed: [] });
    expect(fake.stats.calls.DescribeTable).toBe(1);
    expect(fake.stats.calls.CreateTable).toBe(1);
    expect(fake.items(TABLE)).toEqual(values(records));
  });

  it('rejects each record on its own when DescribeTable is denied and the table keys are not strings', async () => {
    const { fake, sink } = harness({ table: { partitionKey: { name: 'id', type: 'N' } } });
    fake.failNext({ error: 'AccessDeniedException', operation: 'DescribeTable' });
    const result = await sink.write([rec('1'), rec('2'), rec('3')]);
    expect(result.written).toBe(0);
    expect(result.failed.map((failure) => [failure.index, failure.reason])).toEqual([
      [0, 'rejected'],
      [1, 'rejected'],
      [2, 'rejected'],
    ]);
    expect(result.failed[0]!.error.message).toBe('DynamoDB rejected the item: The provided key element does not match the schema');
  });

  it('opens once: open() twice and concurrent writes cost one DescribeTable', async () => {
    const { fake, sink } = harness({ fake: { latencyMs: 2 } });
    await Promise.all([sink.open(), sink.open(), sink.write(many(2, 'a')), sink.write(many(2, 'b'))]);
    await sink.open();
    expect(fake.stats.calls.DescribeTable).toBe(1);
    expect(fake.items(TABLE)).toHaveLength(4);
  });

  it('retries a failed open on the next write', async () => {
    const { fake, sink } = harness();
    fake.failNext({ error: 'InternalServerError', operation: 'DescribeTable' });
    const records = many(3);
    const error = await writeError(sink.write(records));
    expect(error.message).toBe('3 of 3 records were not written: DescribeTable on "events" failed: InternalServerError: Internal server error');
    expect(error.unwritten).toEqual(records);
    await expect(sink.write(records)).resolves.toEqual({ written: 3, stale: 0, failed: [] });
    expect(fake.stats.calls.DescribeTable).toBe(2);
    expect(fake.items(TABLE)).toEqual(values(records));
  });

  it('writes once a table missing at the first write has been created', async () => {
    const { fake, sink } = harness({ table: false });
    await writeError(sink.write([rec('a')]));
    fake.createTableSync(TABLE, { partitionKey: 'id' });
    await expect(sink.write([rec('a')])).resolves.toEqual({ written: 1, stale: 0, failed: [] });
    expect(fake.items(TABLE)).toEqual([{ id: 'a' }]);
  });

  it('uses the key types the table declares: numeric and binary keys', async () => {
    const numeric = harness({ table: { partitionKey: { name: 'id', type: 'N' }, sortKey: { name: 'part', type: 'B' } }, sink: { sortKey: 'part' } });
    const records: Rec[] = [
      { value: { id: 1, part: new Uint8Array([1, 2]) } },
      { value: { id: 12345678901234567890123n, part: Buffer.from('ab') } },
      { value: { id: 'one', part: new Uint8Array([1]) } },
      { value: { id: 2, part: new Uint8Array([]) } },
    ];
    const result = await numeric.sink.write(records);
    expect(result.written).toBe(2);
    expect(result.failed.map((failure) => [failure.index, failure.reason, failure.field, failure.error.message])).toEqual([
      [2, 'invalid-key', 'id', 'Key field "id" must be a number (the table declares it N), got a string'],
      [3, 'invalid-key', 'part', 'Key field "part" must be non-empty binary (the table declares it B), got Uint8Array '],
    ]);
    expect(numeric.fake.rawItems(TABLE).map((item) => [item.id, Buffer.from(item.part!.B!).toString('hex')])).toEqual([
      [{ N: '1' }, '0102'],
      [{ N: '12345678901234567890123' }, '6162'],
    ]);
  });
});

describe('DynamoSink: options', () => {
  const fake = new FakeDynamoDB();
  const base: DynamoSinkOptions = { client: fake, tableName: TABLE, partitionKey: 'id' };
  const GRAMMAR =
    'expected "name" (copy the value\'s field), "name|strftime-pattern" (format the timestamp) or "name=SOURCE" ' +
    '(SOURCE: key, key.PATH, value.PATH, topic, partition, offset or header.NAME; PATH: fields separated by ".", ' +
    'digits index an array), e.g. "id", "hour_of_day|%Y-%m-%d %H" or "id=key.id"';
  const SUPPORTED =
    'supported: %a %A %b %B %c %C %d %D %e %f %F %g %G %h %H %I %j %k %l %m %M %n %p %P %r %R %s %S %t %T %u %U %V ' +
    '%w %W %x %X %y %Y %z %Z %%, with the flags - _ 0 on numeric directives (e.g. %-d) and ^ on names (e.g. %^a)';

  const cases: [string, Partial<Record<keyof DynamoSinkOptions, unknown>>, string][] = [
    ['a table name too short', { tableName: 'ab' }, `Expected \`tableName\` to be 3-255 characters of a-z, A-Z, 0-9, '_', '-' or '.', or a function of the record, got "ab"`],
    ['a table name with a space', { tableName: 'my table' }, `Expected \`tableName\` to be 3-255 characters of a-z, A-Z, 0-9, '_', '-' or '.', or a function of the record, got "my table"`],
    ['no table name', { tableName: undefined }, `Expected \`tableName\` to be 3-255 characters of a-z, A-Z, 0-9, '_', '-' or '.', or a function of the record, got undefined`],
    ['maxInFlight: 0', { maxInFlight: 0 }, 'Expected `maxInFlight` to be a whole number >= 1, got 0'],
    ['maxInFlight: 2.5', { maxInFlight: 2.5 }, 'Expected `maxInFlight` to be a whole number >= 1, got 2.5'],
    ['maxRetries: -1', { maxRetries: -1 }, 'Expected `maxRetries` to be a whole number >= 0, got -1'],
    ['retry.factor: 0.5', { retry: { factor: 0.5 } }, 'Expected `retry.factor` to be >= 1, got 0.5'],
    ['retry.minTimeout: -1', { retry: { minTimeout: -1 } }, 'Expected `retry.minTimeout` to be a finite number >= 0, got -1'],
    ['retry.maxTimeout: Infinity', { retry: { maxTimeout: Number.POSITIVE_INFINITY } }, 'Expected `retry.maxTimeout` to be a finite number >= 0, got Infinity'],
    ['both client and clientConfig', { clientConfig: { region: 'eu-west-1' } }, 'Give either `client` or `clientConfig`, not both'],
    ['a client without send', { client: {} }, 'Expected `client` to have a send(command) method, like DynamoDBClient'],
    ['timestampUnit: "h"', { timestampUnit: 'h' }, 'Expected `timestampUnit` to be one of s, ms, us, ns, got h'],
    ['an unknown billing mode', { createTable: { billingMode: 'ON_DEMAND' } }, "Expected `createTable.billingMode` to be 'PAY_PER_REQUEST' or 'PROVISIONED', got ON_DEMAND"],
    ['partitionKey not a string', { partitionKey: 42 }, "Expected `partitionKey` to be a key spec such as 'id' or 'day|%Y-%m-%d', got 42"],
    ['sortKey not a string', { sortKey: 5 }, 'Expected `sortKey` to be a key spec or left out, got 5'],
    ['partitionKey and sortKey on one attribute', { sortKey: 'id' }, '`partitionKey` and `sortKey` both name the attribute "id"; they must differ'],
    ['partitionKey and a time sortKey on one attribute', { sortKey: 'id|%Y' }, '`partitionKey` and `sortKey` both name the attribute "id"; they must differ'],
    ['a key spec with two |', { partitionKey: 'a|b|c' }, `Invalid \`partitionKey\` "a|b|c": it has 2 '|' where at most one is allowed; ${GRAMMAR}`],
    ['an empty key spec', { partitionKey: '' }, `Invalid \`partitionKey\` "": the attribute name is empty; ${GRAMMAR}`],
    ['a key spec with spaces', { sortKey: ' day' }, `Invalid \`sortKey\` " day": the attribute name has leading or trailing spaces; ${GRAMMAR}`],
    ['a key spec with an empty pattern', { partitionKey: 'day|' }, `Invalid \`partitionKey\` "day|": the strftime pattern after "|" is empty; ${GRAMMAR}`],
    ['an unknown strftime directive', { partitionKey: 'day|%Q' }, `Invalid \`partitionKey\` "day|%Q": Unsupported strftime directive "%Q" in pattern "%Q"; ${SUPPORTED}; ${GRAMMAR}`],
    [
      'an unknown time zone',
      { partitionKey: 'day|%Y', timeZone: 'Mars/Olympus' },
      `Invalid \`partitionKey\` "day|%Y": Unknown time zone "Mars/Olympus" for strftime pattern "%Y": expected an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York"; ${GRAMMAR}`,
    ],
  ];

  it.each(cases)('refuses %s with a ConfigError saying what was expected', (_name, overrides, message) => {
    let thrown: unknown;
    try {
      new DynamoSink({ ...base, ...overrides } as DynamoSinkOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe(message);
    expect(thrown).toBeInstanceOf(ConfigError);
  });

  it('refuses options that are not an object', () => {
    expect(() => new DynamoSink(null as unknown as DynamoSinkOptions)).toThrow(new ConfigError('Expected DynamoSink options to be an object'));
  });

  it('fills in defaults and does no I/O when constructed', () => {
    const sink = new DynamoSink(base);
    expect(sink.options).toMatchObject({
      maxInFlight: 16,
      maxRetries: 5,
      retry: { minTimeout: 50, maxTimeout: 5_000, factor: 2 },
      timeZone: 'UTC',
      timestampField: 'timestamp',
      returnConsumedCapacity: 'NONE',
      createTable: undefined,
      sortKey: undefined,
    });
    expect(new DynamoSink({ ...base, sortKey: '' }).options.sortKey).toBeUndefined();
    expect(fake.stats.calls).toEqual({});
  });
});

describe('DynamoSink: close()', () => {
  it('waits for writes in flight: the records are in the table when close() resolves', async () => {
    const { fake, sink } = harness({ fake: { latencyMs: 10 }, sink: { maxInFlight: 1 } });
    await sink.open();
    const records = many(60);
    const writing = sink.write(records);
    await sink.close();
    expect(fake.items(TABLE)).toEqual(values(records));
    await expect(writing).resolves.toEqual({ written: 60, stale: 0, failed: [] });
  });

  it('waits for every request still queued once a write is under way', async () => {
    const { fake, sink } = harness({ fake: { latencyMs: 10 }, sink: { maxInFlight: 1 } });
    await sink.open();
    const records = many(60);
    const writing = sink.write(records);
    await until(() => fake.stats.inFlight === 1, 'the first request is in flight');
    await sink.close();
    expect(fake.stats.batchWriteCalls).toBe(3);
    expect(fake.items(TABLE)).toEqual(values(records));
    await expect(writing).resolves.toEqual({ written: 60, stale: 0, failed: [] });
  });

  it('waits for a write made before close() on a sink not yet opened', async () => {
    const { fake, sink } = harness({ fake: { latencyMs: 10 } });
    const records = many(30);
    const writing = sink.write(records);
    await sink.close();
    expect(fake.items(TABLE)).toEqual(values(records));
    await expect(writing).resolves.toEqual({ written: 30, stale: 0, failed: [] });
  });

  it('waits for records waiting for a retry', async () => {
    const { fake, sink } = harness({ sink: { retry: { minTimeout: 20, maxTimeout: 20 } } });
    await sink.open();
    fake.failNext({ unprocessed: 'all' });
    const records = many(5);
    const writing = sink.write(records);
    await until(() => fake.stats.unprocessedItems === 5, 'the items are handed back');
    await sink.close();
    expect(fake.items(TABLE)).toEqual(values(records));
    await expect(writing).resolves.toEqual({ written: 5, stale: 0, failed: [] });
  });

  it('is idempotent, and refuses writes afterwards', async () => {
    const { fake, sink } = harness();
    await sink.write(many(2));
    const closing = sink.close();
    expect(sink.close()).toBe(closing);
    await closing;
    await sink.close();
    await expect(sink.write(many(1))).rejects.toThrow(new SinkError('DynamoSink is closed'));
    expect(fake.stats.batchWriteCalls).toBe(1);
  });

  it('closes a sink never opened without calling DynamoDB', async () => {
    const { fake, sink } = harness();
    await sink.close();
    expect(fake.stats.calls).toEqual({});
  });
});

/** Stands for lossless-json's LosslessNumber (a class instance), which the sink recognizes by duck typing. */
class LosslessNumber {
  readonly isLosslessNumber = true;
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

describe('DynamoSink: numbers', () => {
  it('stores bigint, NumberValue and LosslessNumber values with every digit', async () => {
    const { fake, sink } = harness();
    const value = {
      id: 'n',
      big: 12345678901234567890123n,
      negative: -98765432109876543210987654321098765432n,
      numberValue: NumberValue.from('3.14159265358979323846264338327950288'),
      lossless: new LosslessNumber('12345678901234567890123'),
      tiny: NumberValue.from('1E-130'),
      unsafe: 2 ** 60, // stored as the double's shortest text, which reads back as the same double
      list: [99999999999999999999999999999999999999n, new LosslessNumber('0.1000000000000000000000000000000000001')],
      set: new Set([1n, 12345678901234567890n]),
    };
    await expect(sink.write([{ value }])).resolves.toEqual({ written: 1, stale: 0, failed: [] });
    const [item] = fake.rawItems(TABLE);
    expect(item).toEqual({
      id: { S: 'n' },
      big: { N: '12345678901234567890123' },
      negative: { N: '-98765432109876543210987654321098765432' },
      numberValue: { N: '3.14159265358979323846264338327950288' },
      lossless: { N: '12345678901234567890123' },
      tiny: { N: expect.stringMatching(/^0\.0{129}1$/) },
      unsafe: { N: String(2 ** 60) },
      list: { L: [{ N: '99999999999999999999999999999999999999' }, { N: '0.1000000000000000000000000000000000001' }] },
      set: { NS: expect.arrayContaining(['1', '12345678901234567890']) },
    });
    expect(item!.set!.NS).toHaveLength(2);
    expect(Number(item!.unsafe!.N)).toBe(2 ** 60);
  });

  it('stores a lossless-number-like plain object { isLosslessNumber: true, value } as a number with every digit', async () => {
    const { fake, sink } = harness();
    const value = { id: 'n', lossless: { isLosslessNumber: true, value: '12345678901234567890123' } };
    await expect(sink.write([{ value }])).resolves.toEqual({ written: 1, stale: 0, failed: [] });
    expect(fake.rawItems(TABLE)).toEqual([{ id: { S: 'n' }, lossless: { N: '12345678901234567890123' } }]);
  });

  it('uses exact numbers as numeric keys', async () => {
    const { fake, sink } = harness({ table: { partitionKey: { name: 'id', type: 'N' } } });
    const result = await sink.write([
      { value: { id: 12345678901234567890123n } },
      { value: { id: new LosslessNumber('12345678901234567890124') } },
      { value: { id: NumberValue.from('12345678901234567890125') } },
    ]);
    expect(result).toEqual({ written: 3, stale: 0, failed: [] });
    expect(fake.rawItems(TABLE).map((item) => item.id)).toEqual([
      { N: '12345678901234567890123' },
      { N: '12345678901234567890124' },
      { N: '12345678901234567890125' },
    ]);
  });

  it('writes a numeric key given as a lossless-number-like plain object, which it accepted as a number', async () => {
    const { fake, sink } = harness({ table: { partitionKey: { name: 'id', type: 'N' } } });
    const result = await sink.write([{ value: { id: { isLosslessNumber: true, value: '12345678901234567890123' } } }]);
    expect(result).toEqual({ written: 1, stale: 0, failed: [] });
    expect(fake.rawItems(TABLE)).toEqual([{ id: { N: '12345678901234567890123' } }]);
  });

  it('treats numeric keys equal in value but spelled differently as one key in one write: sent once', async () => {
    const { fake, sink, ids } = harness({ table: { partitionKey: { name: 'id', type: 'N' } } });
    const records: Rec[] = [{ value: { id: 7, value: 1 } }, { value: { id: NumberValue.from('7.0'), value: 2 } }];
    await expect(sink.write(records)).resolves.toEqual({ written: 2, stale: 0, failed: [] });
    expect(fake.items(TABLE)).toEqual([{ id: 7, value: 2 }]);
    // DynamoDB refuses a request carrying one key twice; the sink must not send one.
    expect(fake.stats.errors).toEqual({});
    expect(ids()).toEqual([['7.0']]);
  });

  it('keeps the newest record last for numeric keys equal in value but spelled differently, across writes', async () => {
    const { fake, sink, sentValues } = harness({ fake: { latencyMs: 10 }, table: { partitionKey: { name: 'id', type: 'N' } } });
    await sink.open();
    fake.failNext({ error: 'InternalServerError' }); // the first write of the key is retried
    const first = sink.write([{ value: { id: 7, value: 1 } }]);
    await until(() => fake.stats.inFlight === 1, 'the first request is in flight');
    const second = sink.write([{ value: { id: NumberValue.from('7.0'), value: 2 } }]);
    await expect(Promise.all([first, second])).resolves.toEqual([
      { written: 1, stale: 0, failed: [] },
      { written: 1, stale: 0, failed: [] },
    ]);
    expect(fake.items(TABLE)).toEqual([{ id: 7, value: 2 }]);
    // The second write must wait for the first (and its retry), as it does for string keys.
    expect(sentValues()).toEqual([['1'], ['1'], ['2']]);
  });
});
