import { MemorySink } from '../memory-sink.js';
import type { FailureReason, Sink, SinkRecord } from '../sink.js';
import { check, checkEqual, checkIsError, checkNoError } from './assertions.js';
import { ScriptedSink } from './scripted-sink.js';
import { requireRunner, type TestRunner } from './test-runner.js';

/** A message the sink could not take, as the suite expects the adapter's dead-letter handler to receive it. */
export interface AdapterDeadLetter {
  /** The message's index in `messages`. */
  readonly index: number;
  /** `invalid-message` for a message the adapter could not decode (not JSON); otherwise the sink's `FailureReason`. */
  readonly reason: FailureReason | 'invalid-message';
  readonly error: Error;
  /** The record the sink failed; left out for an `invalid-message`. */
  readonly record?: SinkRecord<unknown>;
}

/** Where a harness put a message: its partition, and its position there (a Kafka offset, a line, an index). */
export interface MessagePlace {
  readonly partition: string;
  readonly position: bigint;
}

/** What the suite hands the harness for one run. */
export interface AdapterRunInput {
  /** Where the adapter writes: a `MemorySink` or a `ScriptedSink`. */
  readonly sink: Sink<unknown>;
  /**
   * The messages, in source order: JSON objects such as `{"id":"m3","n":3}`, and now and then a text that is not
   * JSON, which the adapter must treat as an undecodable message.
   */
  readonly messages: readonly string[];
  /**
   * Pass to the adapter as its dead-letter handler (translating its failure to an {@link AdapterDeadLetter}), and
   * await it as the adapter would. Undefined: run the adapter without a handler.
   */
  readonly onDeadLetter?: (letter: AdapterDeadLetter) => void | Promise<void>;
  /**
   * Call at every commit, as the adapter reports it (its `onCommit`): the partition and the next position to read
   * there (one past the last settled message). The suite checks, at that moment, that every message before it is
   * written or dead-lettered.
   */
  readonly onCommit: (partition: string, next: bigint) => void;
  /** Stop the adapter when this aborts: take no more messages, let writes in flight finish, commit them, resolve. */
  readonly signal: AbortSignal;
}

/** How a run ended. */
export interface AdapterRunResult {
  /**
   * Where the source stands, per partition: the next position to read (what a restart would resume from). A
   * partition with nothing committed may be left out. Read it from the source itself where you can (a fake
   * consumer's committed offsets), so it is what a restart would really see.
   */
  readonly committed: ReadonlyMap<string, bigint>;
  /** The error that stopped the adapter, if one did; a stop through `signal` is not an error. */
  readonly error?: Error;
}

/** Binds an adapter to the suite. */
export interface AdapterHarness {
  /** Shown in the suite's title. */
  readonly name: string;
  /**
   * Runs the adapter over `messages` into `sink` until every message is settled (written or dead-lettered, and
   * committed), the adapter stops on an error, or `signal` aborts; resolves with where it committed and the error
   * that stopped it. Never rejects for the adapter's error: return it as `error`.
   *
   * Configure the adapter to write few records per `write` call (say 3) with several calls in flight (say 3), so
   * that writes overlap and the ordering tests mean something. A source that never ends by itself (a Kafka
   * consumer) is stopped by the harness once every partition is committed to its end.
   */
  run(input: AdapterRunInput): Promise<AdapterRunResult>;
  /**
   * Where message `index` goes. The default is one partition, `'0'`, at position `index`, which is what an
   * iterable source reports. A Kafka harness may spread the messages over partitions (say message `i` to partition
   * `i % 2` at offset `⌊i / 2⌋`): then `run` must put them there, report commits with the same partition names, and
   * order is checked per partition.
   */
  locate?(index: number): MessagePlace;
}

/** The harness, plus what the adapter does where adapters may differ. */
export interface AdapterSuiteOptions extends AdapterHarness {
  /** Your test runner's `describe` and `it` (vitest, jest or `node:test`): the suite declares its tests with them. */
  readonly runner: TestRunner;
  /**
   * Without a dead-letter handler, a message that cannot be written stops the adapter with an error, committing
   * nothing at or past it (the Kafka adapters): true. The adapter only counts it and goes on (`pipeToSink`): false.
   */
  readonly stopsWithoutDeadLetterHandler: boolean;
  /**
   * After a backpressure pause the adapter reads again from its last commit, so records written meanwhile past the
   * refused one are written again (the Kafka adapters: a re-fetch; this keeps the newest record of a key landing
   * last): true. The adapter hands over only the refused records again (`pipeToSink`): false.
   * @default false
   */
  readonly rewritesAfterBackpressure?: boolean;
  /** A run that takes longer is stopped through `signal` and fails its test. @default 10_000 */
  readonly runTimeoutMs?: number;
}

/** Leeway for timers measured against `performance.now()`. */
const TIMER_SLACK_MS = 3;

/**
 * The contract every adapter keeps (commit order, nothing committed past a failure, dead-letter routing, pause and
 * resume on backpressure, flush on stop), as a suite for any test runner: call it from a test file with your runner's
 * `describe` and `it` and a harness that runs your adapter over a list of raw messages. It asserts with `node:assert`.
 * Each test feeds 40 messages into a `MemorySink` or a {@link ScriptedSink}, checks every commit as it happens against
 * what the sink holds, and then checks what was written and committed.
 *
 * @example
 * // One partition, positions = message indexes (the default `locate`). Full harnesses: the `adapter-contract.test.ts`
 * // of @dynamo-sink/iterable (pipeToSink, pipeNdjson) and @dynamo-sink/kafkajs (two partitions, a fake consumer).
 * import { describe, it } from 'vitest';   // or '@jest/globals', or 'node:test'
 *
 * testAdapter({
 *   runner: { describe, it },
 *   name: 'pipeToSink',
 *   stopsWithoutDeadLetterHandler: false,
 *   async run({ sink, messages, onDeadLetter, onCommit, signal }) {
 *     // PipeResult.committed is the last settled index, as a decimal string: the next one to read is one past it.
 *     const toMap = (committed?: string) => new Map(committed === undefined ? [] : [['0', BigInt(committed) + 1n]]);
 *     try {
 *       const totals = await pipeToSink(messages, sink, {
 *         toRecord: parseOrInvalid, batchSize: 3, maxWritesInFlight: 3, signal,
 *         onFailure: onDeadLetter && ((f) => onDeadLetter({ index: f.sourceIndex, reason: f.reason, error: f.error, record: f.record })),
 *         onCommit: (position) => onCommit('0', position + 1n),
 *       });
 *       return { committed: toMap(totals.committed) };
 *     } catch (error) {
 *       return { committed: toMap((error as PipeError).totals.committed), error: error as Error };
 *     }
 *   },
 * });
 */
export function testAdapter(options: AdapterSuiteOptions): void {
  const { describe, it } = requireRunner(options.runner, 'testAdapter');
  const locate = options.locate?.bind(options) ?? ((index: number): MessagePlace => ({ partition: '0', position: BigInt(index) }));
  const runTimeoutMs = options.runTimeoutMs ?? 10_000;
  const COUNT = 40;

  /** Starts a run, watching every commit; `settled` resolves with its result. */
  function start(
    sink: Sink<unknown>,
    written: () => readonly SinkRecord<unknown>[],
    run: { messages?: string[]; deadLetterHandler?: boolean; deadLetterDelayMs?: number; settledUnwritten?: number[] } = {},
  ) {
    const messages = run.messages ?? messagesFrom(0, COUNT);
    const watch = new CommitWatch(messages.length, locate, written, run.settledUnwritten);
    const controller = new AbortController();
    let timedOut = false;
    let finished = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, runTimeoutMs);
    const onDeadLetter =
      run.deadLetterHandler === false
        ? undefined
        : async (letter: AdapterDeadLetter) => {
            // Asynchronous on purpose: the adapter must wait for the hand-over before committing past the message.
            await sleep(run.deadLetterDelayMs ?? 2);
            watch.deadLettered(letter);
          };
    const settled = options
      .run({ sink, messages, ...(onDeadLetter ? { onDeadLetter } : {}), onCommit: (partition, next) => watch.commit(partition, next), signal: controller.signal })
      .finally(() => clearTimeout(deadline))
      .then((result) => {
        finished = true;
        if (timedOut) throw new Error(`The run did not settle within ${runTimeoutMs} ms (committed: ${describeCommits(result.committed)})`);
        return result;
      });
    return {
      watch,
      settled,
      stop: () => controller.abort(),
      isFinished: () => finished,
    };
  }

  /** Message indexes the committed positions cover. */
  const committedIndexes = (committed: ReadonlyMap<string, bigint>, count = COUNT) =>
    range(0, count).filter((index) => {
      const place = locate(index);
      return (committed.get(place.partition) ?? 0n) > place.position;
    });

  /** Indexes of the records in `records`, grouped by partition, in the order given. */
  const orderPerPartition = (records: readonly SinkRecord<unknown>[]) => {
    const order = new Map<string, number[]>();
    for (const index of records.map(messageIndex)) {
      const partition = locate(index).partition;
      order.set(partition, [...(order.get(partition) ?? []), index]);
    }
    return order;
  };

  /** What every run must show: no commit before its messages settled, and the commits seen are the ones the source holds. */
  const checkCleanCommits = (watch: CommitWatch, committed: ReadonlyMap<string, bigint>) => {
    checkEqual(watch.violations, [], 'commits seen during the run (onCommit) that broke the contract');
    checkEqual(watch.lastCommits(), withoutZeros(committed), 'the last commit reported through onCommit, per partition, must be what the source holds (run() result `committed`)');
  };
  /** Every message was written once (or as `count` says). */
  const checkWrittenOnce = (written: readonly SinkRecord<unknown>[], indexes: readonly number[], what = 'times each message was written') =>
    checkEqual(countByIndex(written), onceEach(indexes), what);
  const checkCommittedToTheEnd = (committed: ReadonlyMap<string, bigint>) =>
    checkEqual(committedIndexes(committed), range(0, COUNT), 'messages covered by the committed positions: every one');
  const checkInSourceOrder = (records: readonly SinkRecord<unknown>[], what: string) => {
    for (const [partition, indexes] of orderPerPartition(records)) checkEqual(indexes, [...indexes].sort((a, b) => a - b), `${what}, partition ${partition}: in source order`);
  };
  const checkCommittedBefore = (committed: ReadonlyMap<string, bigint>, index: number) => {
    const place = locate(index);
    const at = committed.get(place.partition) ?? 0n;
    check(at <= place.position, `partition ${place.partition} committed up to ${at}, past message ${index} (position ${place.position}), which was not written`);
  };

  describe(`Adapter contract: ${options.name}`, () => {
    it('writes every message once, in source order per partition, and commits to the end (MemorySink)', async () => {
      const sink = new MemorySink<unknown>({ latencyMs: 1 });
      const run = start(sink, () => sink.records);
      const { committed, error } = await run.settled;
      checkNoError(error, 'the run must end without an error');
      checkWrittenOnce(sink.records, range(0, COUNT));
      // MemorySink keeps records in the order writes completed; with one latency for all, that is the order they were handed over.
      checkInSourceOrder(sink.records, 'records written');
      checkCommittedToTheEnd(committed);
      checkCleanCommits(run.watch, committed);
    });

    it('hands records over in source order and commits only settled prefixes while writes finish out of order', async () => {
      // Every third call is slow: later calls overtake it.
      const sink = new ScriptedSink<unknown>({ latencyMs: (_records, call) => (call % 3 === 0 ? 15 : 1) });
      const run = start(sink, () => sink.written);
      const { committed, error } = await run.settled;
      checkNoError(error, 'the run must end without an error');
      checkInSourceOrder(sink.calls.flatMap((call) => call.records), 'records handed to write()');
      checkWrittenOnce(sink.written, range(0, COUNT));
      checkCommittedToTheEnd(committed);
      checkCleanCommits(run.watch, committed);
    });

    it('holds the commit at a pending write while later writes complete, and commits past it once it is written', async () => {
      const slow = 12;
      const slowPlace = locate(slow);
      const sink = new ScriptedSink<unknown>({ hold: (record) => messageIndex(record) === slow });
      const run = start(sink, () => sink.written);
      try {
        const laterWritten = () => sink.written.some((record) => messageIndex(record) > slow && locate(messageIndex(record)).partition === slowPlace.partition);
        await until(() => sink.held === 1 && laterWritten(), 'a later message of the same partition written while the write of message 12 is held (the harness must allow several writes in flight)');
        await sleep(20);
        const committedSoFar = run.watch.latest(slowPlace.partition);
        check(committedSoFar === undefined || committedSoFar <= slowPlace.position, `committed ${committedSoFar} past the pending message 12 (position ${slowPlace.position})`);
      } finally {
        sink.release();
      }
      const { committed, error } = await run.settled;
      checkNoError(error, 'the run must end without an error');
      checkCommittedToTheEnd(committed);
      checkCleanCommits(run.watch, committed);
    });

    it('commits nothing at or past a write rejected with a WriteError, and stops with an error', async () => {
      const failing = 13;
      const failingPlace = locate(failing);
      const sink = new ScriptedSink<unknown>({ rejectWrite: { when: (record) => messageIndex(record) === failing } });
      const run = start(sink, () => sink.written);
      const { committed, error } = await run.settled;
      checkIsError(error, 'the run must stop with an error when a write is rejected with a WriteError');
      check(!sink.written.map(messageIndex).includes(failing), `message ${failing}, whose write was rejected, is in the sink`);
      checkCommittedBefore(committed, failing);
      checkCleanCommits(run.watch, committed);
    });

    it('hands each record the sink fails to onDeadLetter once, with the record, and commits past it', async () => {
      const bad = [3, 17, 18];
      const sink = new ScriptedSink<unknown>({ failRecord: (record) => bad.includes(messageIndex(record)) && 'invalid-key' });
      const run = start(sink, () => sink.written, { deadLetterDelayMs: 5 });
      const { committed, error } = await run.settled;
      checkNoError(error, 'the run must end without an error');
      checkEqual(countByIndex(run.watch.letters.map((letter) => letter.index)), onceEach(bad), 'times each message was handed to onDeadLetter');
      for (const letter of run.watch.letters) {
        check(letter.reason === 'invalid-key', `the dead letter of message ${letter.index} must carry the sink's reason, invalid-key; got ${letter.reason}`);
        checkIsError(letter.error, `the dead letter of message ${letter.index} must carry an Error`);
        check(letter.record !== undefined && messageIndex(letter.record) === letter.index, `the dead letter of message ${letter.index} must carry the record the sink failed`);
      }
      checkWrittenOnce(sink.written, range(0, COUNT).filter((index) => !bad.includes(index)));
      checkCommittedToTheEnd(committed);
      checkCleanCommits(run.watch, committed);
    });

    it('hands a message that is not JSON to onDeadLetter as invalid-message, and commits past it', async () => {
      const invalid = [5, 20];
      const sink = new ScriptedSink<unknown>();
      const run = start(sink, () => sink.written, { messages: messagesFrom(0, COUNT, invalid) });
      const { committed, error } = await run.settled;
      checkNoError(error, 'the run must end without an error');
      checkEqual(
        run.watch.letters.map(({ index, reason }) => ({ index, reason })).sort((a, b) => a.index - b.index),
        invalid.map((index) => ({ index, reason: 'invalid-message' })),
        'dead letters for the messages that are not JSON',
      );
      for (const letter of run.watch.letters) checkIsError(letter.error, `the dead letter of message ${letter.index} must carry an Error`);
      checkWrittenOnce(sink.written, range(0, COUNT).filter((index) => !invalid.includes(index)));
      checkCommittedToTheEnd(committed);
      checkCleanCommits(run.watch, committed);
    });

    if (options.stopsWithoutDeadLetterHandler) {
      it('without onDeadLetter, stops at a record the sink fails, committing nothing at or past it', async () => {
        const bad = 9;
        const sink = new ScriptedSink<unknown>({ failRecord: (record) => messageIndex(record) === bad && 'invalid-value' });
        const run = start(sink, () => sink.written, { deadLetterHandler: false });
        const { committed, error } = await run.settled;
        checkIsError(error, 'without onDeadLetter, the run must stop with an error at a record the sink fails');
        checkCommittedBefore(committed, bad);
        checkCleanCommits(run.watch, committed);
      });

      it('without onDeadLetter, stops at a message that is not JSON, committing nothing at or past it', async () => {
        const invalid = 9;
        const sink = new ScriptedSink<unknown>();
        const run = start(sink, () => sink.written, { messages: messagesFrom(0, COUNT, [invalid]), deadLetterHandler: false });
        const { committed, error } = await run.settled;
        checkIsError(error, 'without onDeadLetter, the run must stop with an error at a message that is not JSON');
        checkCommittedBefore(committed, invalid);
        checkCleanCommits(run.watch, committed);
      });
    } else {
      it('without onDeadLetter, counts failed and undecodable messages, writes the rest and commits to the end', async () => {
        const bad = 9;
        const invalid = 21;
        const sink = new ScriptedSink<unknown>({ failRecord: (record) => messageIndex(record) === bad && 'invalid-value' });
        // Without a handler, a commit may pass a failed message as soon as the adapter counted it.
        const run = start(sink, () => sink.written, { messages: messagesFrom(0, COUNT, [invalid]), deadLetterHandler: false, settledUnwritten: [bad, invalid] });
        const { committed, error } = await run.settled;
        checkNoError(error, 'the run must end without an error');
        checkWrittenOnce(sink.written, range(0, COUNT).filter((index) => index !== bad && index !== invalid));
        checkCommittedToTheEnd(committed);
        checkCleanCommits(run.watch, committed);
      });
    }

    const afterPause = options.rewritesAfterBackpressure ? 'every record at least once, the last writes in source order' : 'every record exactly once';
    it(`pauses on SinkBackpressureError and resumes after retryAfterMs, writing ${afterPause}`, async () => {
      const pushedBack = 10;
      const retryAfterMs = 40;
      const sink = new ScriptedSink<unknown>({ backpressure: { times: 2, retryAfterMs, when: (record) => messageIndex(record) === pushedBack } });
      const run = start(sink, () => sink.written);
      const { committed, error } = await run.settled;
      checkNoError(error, 'the run must end without an error');
      if (options.rewritesAfterBackpressure) checkLastWritesInOrder(sink.written, COUNT, locate);
      else checkWrittenOnce(sink.written, range(0, COUNT), 'times each message was written: a record the sink took must not be handed over again after the pause');
      checkCommittedToTheEnd(committed);
      checkCleanCommits(run.watch, committed);
      // The refused record was handed over again only after each wait.
      const holding = sink.calls.filter((call) => call.records.some((record) => messageIndex(record) === pushedBack));
      checkEqual(holding.map((call) => call.outcome), ['backpressure', 'backpressure', 'written'], `outcomes of the write() calls holding message ${pushedBack}`);
      for (let i = 1; i < holding.length; i++) {
        const waited = holding[i]!.startedAt - holding[i - 1]!.endedAt!;
        check(waited >= retryAfterMs - TIMER_SLACK_MS, `message ${pushedBack} was handed over again ${waited.toFixed(1)} ms after a SinkBackpressureError asking for ${retryAfterMs} ms`);
      }
    });

    it('on stop, lets the pending writes finish, commits them, hands nothing more over, and resolves without an error', async () => {
      // Every write from message 8 on is held: the adapter fills its writes in flight and waits, with more to send.
      const heldFrom = 8;
      const sink = new ScriptedSink<unknown>({ hold: (record) => messageIndex(record) >= heldFrom });
      const run = start(sink, () => sink.written);
      let callsAtStop = 0;
      try {
        await until(() => sink.held > 0, `a write of message ${heldFrom} or later to be pending`);
        await sleep(10); // let the adapter fill its other slots
        callsAtStop = sink.calls.length;
        run.stop();
        await sleep(20);
        check(!run.isFinished(), 'the run resolved while writes were pending');
      } finally {
        sink.release();
      }
      const { committed, error } = await run.settled;
      checkNoError(error, 'a stop through the signal is not an error');
      check(sink.calls.length === callsAtStop, `write() was called ${sink.calls.length - callsAtStop} times after the stop`);
      check(sink.written.map(messageIndex).includes(heldFrom), `message ${heldFrom}, pending at the stop, must be written before the run resolves`);
      check(sink.written.length < COUNT, 'every message was written: the run went on after the stop');
      // Flushed: everything written is committed (and, checked at each commit, nothing unwritten is).
      checkEqual(committedIndexes(committed), sink.written.map(messageIndex).sort((a, b) => a - b), 'messages covered by the committed positions: exactly those written');
      checkCleanCommits(run.watch, committed);
    });
  });
}

/**
 * Watches a run's commits: each must move forward, stay within its partition, and come only once every message
 * before it in that partition is written or dead-lettered.
 */
class CommitWatch {
  readonly violations: string[] = [];
  readonly letters: AdapterDeadLetter[] = [];
  private readonly commits = new Map<string, bigint>();
  private readonly ends = new Map<string, bigint>();
  private readonly settledUnwritten: ReadonlySet<number>;

  constructor(
    private readonly count: number,
    private readonly locate: (index: number) => MessagePlace,
    private readonly written: () => readonly SinkRecord<unknown>[],
    /** Messages that count as settled though neither written nor dead-lettered (failed with no handler to take them). */
    settledUnwritten: readonly number[] = [],
  ) {
    this.settledUnwritten = new Set(settledUnwritten);
    for (let index = 0; index < count; index++) {
      const { partition, position } = locate(index);
      if (position >= (this.ends.get(partition) ?? 0n)) this.ends.set(partition, position + 1n);
    }
  }

  commit(partition: string, next: bigint): void {
    const previous = this.commits.get(partition);
    if (previous !== undefined && next < previous) this.violations.push(`partition ${partition}: commit went back from ${previous} to ${next}`);
    if (next > (this.ends.get(partition) ?? 0n)) this.violations.push(`partition ${partition}: committed ${next}, past the end ${this.ends.get(partition) ?? 0n}`);
    this.commits.set(partition, next);
    const settled = new Set([...this.written().map(messageIndex), ...this.letters.map((letter) => letter.index), ...this.settledUnwritten]);
    for (let index = 0; index < this.count; index++) {
      const place = this.locate(index);
      if (place.partition === partition && place.position < next && !settled.has(index)) {
        this.violations.push(`partition ${partition}: committed ${next} while message ${index} (position ${place.position}) was neither written nor dead-lettered`);
      }
    }
  }

  deadLettered(letter: AdapterDeadLetter): void {
    this.letters.push(letter);
  }

  /** The newest commit of a partition, if any. */
  latest(partition: string): bigint | undefined {
    return this.commits.get(partition);
  }

  /** The newest commit of each partition. */
  lastCommits(): Map<string, bigint> {
    return withoutZeros(this.commits);
  }
}

/** Messages `from` to `to` (exclusive): `{"id":"m<i>","n":<i>}`, or not JSON at all for the indexes in `invalid`. */
function messagesFrom(from: number, to: number, invalid: readonly number[] = []): string[] {
  return range(from, to).map((index) => (invalid.includes(index) ? `not json: m${index}` : JSON.stringify({ id: `m${index}`, n: index })));
}

/** The index of the message a record came from, read from its `id` (`m<index>`). */
/** Every message written, and in each partition the final write of each message comes after those of the messages before it. */
function checkLastWritesInOrder(written: readonly SinkRecord<unknown>[], count: number, locate: (index: number) => MessagePlace): void {
  const lastWrite = new Map<number, number>();
  written.forEach((record, at) => lastWrite.set(messageIndex(record), at));
  checkEqual([...lastWrite.keys()].sort((a, b) => a - b), range(0, count), 'messages written');
  const byPartition = new Map<string, number[]>();
  for (const index of range(0, count)) {
    const { partition } = locate(index);
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), index]);
  }
  for (const [partition, indexes] of byPartition) {
    const order = indexes.map((index) => lastWrite.get(index)!);
    checkEqual(order, [...order].sort((a, b) => a - b), `final writes in partition ${partition}, in source order`);
  }
}

function messageIndex(record: SinkRecord<unknown>): number {
  const id = (record.value as { id?: unknown } | null | undefined)?.id;
  const match = typeof id === 'string' ? /^m(\d+)$/.exec(id) : null;
  if (!match) throw new Error(`A record reached the sink whose value has no id of the form m<index>: ${String(id)}`);
  return Number(match[1]);
}

/** `{ index: times }` for records or indexes: compared with `onceEach`, shows duplicates and gaps at a glance. */
function countByIndex(items: readonly (SinkRecord<unknown> | number)[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const item of items) {
    const index = typeof item === 'number' ? item : messageIndex(item);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

const onceEach = (indexes: readonly number[]): Record<number, number> => Object.fromEntries(indexes.map((index) => [index, 1]));

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** A commit of 0 means nothing committed: drop it, so harnesses that leave such partitions out compare equal. */
function withoutZeros(commits: ReadonlyMap<string, bigint>): Map<string, bigint> {
  return new Map([...commits].filter(([, next]) => next > 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function describeCommits(commits: ReadonlyMap<string, bigint>): string {
  return commits.size === 0 ? 'nothing' : [...commits].map(([partition, next]) => `${partition}: ${next}`).join(', ');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}
