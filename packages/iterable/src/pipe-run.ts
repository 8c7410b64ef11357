import { CommitTracker, isWriteError, type RecordFailure, type Sink, type SinkRecord } from '@dynamo-sink/core';
import { BatchBuilder, type Batch } from './batch.js';
import { CommitReporter } from './commit-reporter.js';
import { InvalidRecord } from './invalid-record.js';
import { describe, type ResolvedPipeOptions, type SourceFailure } from './options.js';
import { PipeError, type PipeResult } from './pipe-result.js';
import type { ItemGroup, Position } from './source.js';
import { WritePool, type WriteOutcome } from './write-pool.js';

/** What a pull returns once the pipe is stopping: the pull is abandoned. */
const STOPPED = Symbol('stopped');

/**
 * One run of `pipeToSink`: pulls items while fewer than `maxPending` records are unsettled, groups them into batches,
 * hands the batches to a WritePool, and settles each record (written, or failed and handed to `onFailure`) in a
 * CommitTracker whose advances go to `onCommit`.
 */
export class PipeRun<T, V> {
  private readonly tracker = new CommitTracker<Position>();
  private readonly batches: BatchBuilder<V>;
  private readonly writes: WritePool<V>;
  private readonly commits: CommitReporter;
  private read = 0;
  private written = 0;
  private failed = 0;
  /** The first error that stopped the pipe; undefined while all is well or after a mere abort. */
  private error: { cause: unknown } | undefined;
  private stopping = false;
  /** Ends the pull being awaited, if any, when the pipe stops: a source may take forever to yield. */
  private cancelPull: (() => void) | undefined;
  /** Woken when records settle (room to pull again) or the pipe stops. */
  private capacityWaiter: (() => void) | undefined;
  /** Records given back by failed writes or never sent after an error, for PipeError.unwritten. */
  private readonly unwritten: { position: Position; record: SinkRecord<V> }[] = [];
  private lingerTimer: NodeJS.Timeout | undefined;
  private lastAddedAt = 0;
  private lastOffered: Position | undefined;

  /**
   * `source` yields items one by one, or (`grouped`) in ItemGroups: a source that reads many items at once (NDJSON, a
   * chunk at a time) hands them over with one await per group instead of one per item, with their positions and sizes.
   */
  constructor(
    private readonly source: { readonly iterator: AsyncIterator<T>; readonly grouped: false } | { readonly iterator: AsyncIterator<ItemGroup<T>>; readonly grouped: true },
    sink: Sink<V>,
    private readonly options: ResolvedPipeOptions<T, V>,
  ) {
    this.batches = new BatchBuilder<V>(options.batchSize, options.maxBatchBytes, (batch) => this.submit(batch));
    this.writes = new WritePool<V>(sink, options.maxWritesInFlight, (batch, outcome) => this.settle(batch, outcome));
    this.commits = new CommitReporter(options.onCommit, (error) => this.fail(error));
  }

  async run(): Promise<PipeResult> {
    const { signal } = this.options;
    const abort = () => this.stop();
    const { iterator } = this.source;
    if (signal?.aborted) {
      await iterator.return?.().catch(() => {});
      return this.totals();
    }
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await this.pullAll(iterator);
      if (!this.stopping) this.flush(); // the source ended: the last partial batch goes now
      await this.writes.idle();
      await this.commits.settled();
    } finally {
      signal?.removeEventListener('abort', abort);
      clearTimeout(this.lingerTimer);
    }
    if (this.error) throw this.pipeError(this.error.cause);
    return this.totals();
  }

  private totals(): PipeResult {
    const committed = this.commits.committed;
    return { read: this.read, written: this.written, failed: this.failed, committed: committed === undefined ? undefined : String(committed) };
  }

  // ——— pulling ———

  private async pullAll(iterator: AsyncIterator<T | ItemGroup<T>>): Promise<void> {
    const { maxPending } = this.options;
    let pendingPull: Promise<IteratorResult<T | ItemGroup<T>>> | undefined;
    // The items of the last pull not yet accepted: a group is taken in item by item, as room frees up.
    let group: ItemGroup<T> | undefined;
    let items: readonly T[] = [];
    let next = 0;
    try {
      while (!this.stopping) {
        if (this.tracker.pending >= maxPending) {
          this.flush(); // nothing more can join the partial batch until records settle: no point lingering
          await this.capacityFreed();
          continue;
        }
        if (next < items.length) {
          const accepting = this.accept(items[next]!, this.read++, group?.positions[next], group?.bytes[next]);
          next++;
          // Records came: a group counts as one arrival (and so does a wait for onFailure, so the partial batch does not wait too).
          if (next === items.length || accepting) this.armLinger();
          if (accepting) await accepting; // only an InvalidRecord makes us wait (for onFailure)
          continue;
        }
        pendingPull = iterator.next();
        const step = await this.cancellable(pendingPull);
        this.cancelPull = undefined;
        if (step !== STOPPED) pendingPull = undefined;
        if (step === STOPPED || this.stopping) break; // an item that arrives after the stop is never written
        if (step.done) return;
        group = this.source.grouped ? (step.value as ItemGroup<T>) : undefined;
        items = group ? group.items : [step.value as T];
        next = 0;
      }
    } catch (error) {
      pendingPull = undefined; // the source threw (its pull is over), or a callback did
      this.fail(error);
    }
    // Stopped early: close the source. An async generator queues `return` behind a pending `next`, so do not wait then.
    if (pendingPull) {
      pendingPull.catch(() => {});
      iterator.return?.().catch(() => {});
    } else {
      await iterator.return?.().catch(() => {});
    }
  }

  /**
   * Tracks the item and batches its record; for an InvalidRecord, returns the hand-over to `onFailure`.
   * `position` and `bytes` come with a grouped source's items; otherwise they are found here.
   */
  private accept(item: T, index: number, position?: Position, bytes?: number): Promise<void> | undefined {
    const { toRecord, positionOf } = this.options;
    const record = toRecord ? toRecord(item, index) : asRecord<V>(item, index);
    position ??= positionOf ? positionOf(item, index) : index;
    try {
      this.tracker.track(position);
    } catch (error) {
      throw new TypeError(`\`positionOf\` must return increasing bigints: item ${index}: ${(error as Error).message}`, { cause: error });
    }
    if (record instanceof InvalidRecord) {
      const { reason, error } = record;
      const failure: SourceFailure<V> = { record: record.record, index, sourceIndex: index, reason, error, ...fieldOf(error) };
      return this.handOver(failure).then(
        () => {
          this.tracker.done(position);
          this.advanceCommit();
        },
        (error: unknown) => {
          this.unwritten.push({ position, record: record.record });
          throw error;
        },
      );
    }
    this.batches.add(record, position, index, bytes);
    return undefined;
  }

  /**
   * The pull, or STOPPED as soon as the pipe stops. Not Promise.race against one long-lived promise: each race would
   * leave a reaction on it holding the settled pull, and memory would grow with every record.
   */
  private cancellable<R>(pull: Promise<R>): Promise<R | typeof STOPPED> {
    return new Promise((resolve, reject) => {
      this.cancelPull = () => resolve(STOPPED);
      pull.then(resolve, reject);
    });
  }

  private capacityFreed(): Promise<void> {
    return new Promise((resolve) => (this.capacityWaiter = resolve));
  }

  private wakePuller(): void {
    const wake = this.capacityWaiter;
    this.capacityWaiter = undefined;
    wake?.();
  }

  // ——— batching ———

  /** Flushes the partial batch once no record came for `lingerMs`. One timer, re-armed lazily: no timer per record. */
  private armLinger(): void {
    this.lastAddedAt = Date.now();
    if (this.lingerTimer !== undefined || this.batches.size === 0) return;
    const fire = () => {
      const idleFor = Date.now() - this.lastAddedAt;
      if (this.batches.size > 0 && idleFor < this.options.lingerMs) {
        this.lingerTimer = setTimeout(fire, this.options.lingerMs - idleFor);
        return;
      }
      this.lingerTimer = undefined;
      this.flush();
    };
    this.lingerTimer = setTimeout(fire, this.options.lingerMs);
  }

  private flush(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const batch = this.batches.take();
    if (batch) this.submit(batch);
  }

  private submit(batch: Batch<V>): void {
    if (this.stopping) this.abandon(batch);
    else this.writes.submit(batch);
  }

  // ——— settling ———

  /** Books one write's outcome. Never throws: a problem here stops the pipe instead. */
  private async settle(batch: Batch<V>, outcome: WriteOutcome<V>): Promise<void> {
    try {
      const { written, failures, unwrittenIndexes, error } = this.readOutcome(batch, outcome);
      this.written += written;
      const notDone = new Set<number>(unwrittenIndexes);
      for (const failure of failures) notDone.add(failure.index);
      let handOverError: { cause: unknown } | undefined;
      for (const failure of failures) {
        if (handOverError) break;
        try {
          await this.handOver({ ...failure, sourceIndex: batch.sourceIndexes[failure.index]! });
          notDone.delete(failure.index);
        } catch (cause) {
          handOverError = { cause };
        }
      }
      for (let index = 0; index < batch.records.length; index++) {
        if (notDone.has(index)) this.unwritten.push({ position: batch.positions[index]!, record: batch.records[index]! });
        else this.tracker.done(batch.positions[index]!);
      }
      this.advanceCommit();
      if (error) this.fail(error.cause);
      if (handOverError) this.fail(handOverError.cause);
    } catch (cause) {
      this.fail(cause);
    }
    this.wakePuller();
  }

  /**
   * What a write did, by batch index. A WriteError's `unwritten` records are found by identity; if they cannot all be
   * found, or the counts do not add up, every record not failed is taken as unwritten (and may in fact be written):
   * writing a record twice is harmless, committing past a lost one is not.
   */
  private readOutcome(batch: Batch<V>, outcome: WriteOutcome<V>) {
    const size = batch.records.length;
    const allButFailed = (failures: readonly RecordFailure<V>[]) => {
      const failedIndexes = new Set(failures.map((failure) => failure.index));
      return batch.records.map((_, index) => index).filter((index) => !failedIndexes.has(index));
    };
    if ('result' in outcome) {
      const { written, failed } = outcome.result;
      if (written + failed.length === size && validIndexes(failed, size)) return { written, failures: failed, unwrittenIndexes: [] as number[] };
      const cause = new TypeError(`sink.write resolved with ${written} written and ${failed.length} failed for ${size} records; the counts must add up`);
      const failures = validIndexes(failed, size) ? failed : [];
      return { written, failures, unwrittenIndexes: allButFailed(failures), error: { cause } };
    }
    const { error } = outcome;
    if (!isWriteError(error)) return { written: 0, failures: [], unwrittenIndexes: allButFailed([]), error: { cause: error } };
    const failures = validIndexes(error.failed, size) ? (error.failed as readonly RecordFailure<V>[]) : [];
    const found = findByIdentity(batch.records, error.unwritten as readonly SinkRecord<V>[], failures);
    const accountedFor = found !== undefined && error.written + failures.length + found.length === size;
    return { written: error.written, failures, unwrittenIndexes: accountedFor ? found : allButFailed(failures), error: { cause: error } };
  }

  /** Gives a failure to `onFailure`; counts it once accepted. */
  private async handOver(failure: SourceFailure<V>): Promise<void> {
    const { onFailure } = this.options;
    if (onFailure) await onFailure(failure);
    this.failed++;
  }

  private advanceCommit(): void {
    const committed = this.tracker.committed;
    if (committed !== undefined && committed !== this.lastOffered) {
      this.lastOffered = committed;
      this.commits.offer(BigInt(committed));
    }
  }

  // ——— stopping ———

  /** Stops pulling and sending; writes in flight go on to their end. Idempotent. */
  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.cancelPull?.();
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const waiting = this.batches.take();
    for (const batch of this.writes.halt()) this.abandon(batch);
    if (waiting) this.abandon(waiting);
    this.wakePuller();
  }

  /** Stops the pipe because of `cause`; the first cause is the one reported. */
  private fail(cause: unknown): void {
    this.error ??= { cause };
    this.stop();
  }

  /** A batch that will not be sent: its records count as unwritten if the pipe fails (after an abort, they are simply not written). */
  private abandon(batch: Batch<V>): void {
    batch.records.forEach((record, index) => this.unwritten.push({ position: batch.positions[index]!, record }));
  }

  private pipeError(cause: unknown): PipeError<V> {
    const totals = this.totals();
    const unwritten = this.unwritten.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0)).map(({ record }) => record);
    const where = totals.committed === undefined ? 'nothing committed' : `committed up to ${totals.committed}`;
    const message =
      `Stopped after ${totals.read} records read: ${totals.written} written, ${totals.failed} failed, ` +
      `${unwritten.length} not written, ${where}: ${cause instanceof Error ? cause.message : String(cause)}`;
    return new PipeError<V>(message, totals, unwritten, cause);
  }
}

/** Without `toRecord`, each item must be a record already. */
function asRecord<V>(item: unknown, index: number): SinkRecord<V> | InvalidRecord<V> {
  if (item instanceof InvalidRecord) return item as InvalidRecord<V>;
  if (typeof item === 'object' && item !== null && 'value' in item) return item as SinkRecord<V>;
  throw new TypeError(`Expected item ${index} of the source to be a SinkRecord ({ value, ... }), got ${describe(item)}; pass \`toRecord\` to map items to records`);
}

function fieldOf(error: Error & { field?: string | undefined }): { field?: string } {
  return error.field === undefined ? {} : { field: error.field };
}

function validIndexes(failures: readonly RecordFailure<unknown>[], size: number): boolean {
  return failures.every((failure) => Number.isInteger(failure.index) && failure.index >= 0 && failure.index < size);
}

/** Batch indexes of `unwritten` records, matched by identity (a record object listed twice is matched twice); undefined if one is not found. */
function findByIdentity<V>(records: readonly SinkRecord<V>[], unwritten: readonly SinkRecord<V>[], failures: readonly RecordFailure<V>[]): number[] | undefined {
  if (unwritten.length === 0) return [];
  const taken = new Set(failures.map((failure) => failure.index));
  const indexesOf = new Map<SinkRecord<V>, number[]>();
  records.forEach((record, index) => {
    if (taken.has(index)) return;
    const list = indexesOf.get(record);
    if (list) list.push(index);
    else indexesOf.set(record, [index]);
  });
  const found: number[] = [];
  for (const record of unwritten) {
    const index = indexesOf.get(record)?.shift();
    if (index === undefined) return undefined;
    found.push(index);
  }
  return found;
}
