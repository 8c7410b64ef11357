import type { SinkRecord } from '@dynamo-sink/core';
import { estimateRecordBytes } from './record-size.js';
import type { Position } from './source.js';

/** Records for one `write` call, with where each came from. */
export interface Batch<V> {
  /** Increases with every batch: keeps batches handed back by a throttled sink in source order. */
  readonly sequence: number;
  readonly records: SinkRecord<V>[];
  /** The source position of each record (for the commit tracker). */
  readonly positions: Position[];
  /** The 0-based source index of each record (for failures). */
  readonly sourceIndexes: number[];
}

/** Groups records into batches of at most `maxRecords` records and `maxBytes` estimated bytes, in order. */
export class BatchBuilder<V> {
  private current: Batch<V> | undefined;
  private bytes = 0;
  private sequence = 0;

  constructor(
    private readonly maxRecords: number,
    private readonly maxBytes: number,
    /** Receives each batch as soon as it is full. */
    private readonly onFull: (batch: Batch<V>) => void,
  ) {}

  /** Records in the batch being filled. */
  get size(): number {
    return this.current?.records.length ?? 0;
  }

  /** `bytes`: the record's size, when the source knows it; estimated otherwise. */
  add(record: SinkRecord<V>, position: Position, sourceIndex: number, bytes = estimateRecordBytes(record)): void {
    // A record that would overflow the batch starts the next one; a record larger than maxBytes goes alone.
    if (this.current !== undefined && this.bytes + bytes > this.maxBytes) this.onFull(this.take()!);
    const batch = (this.current ??= { sequence: this.sequence++, records: [], positions: [], sourceIndexes: [] });
    batch.records.push(record);
    batch.positions.push(position);
    batch.sourceIndexes.push(sourceIndex);
    this.bytes += bytes;
    if (batch.records.length >= this.maxRecords || this.bytes >= this.maxBytes) this.onFull(this.take()!);
  }

  /** Hands over the batch being filled, if it holds anything. */
  take(): Batch<V> | undefined {
    const batch = this.current;
    this.current = undefined;
    this.bytes = 0;
    return batch;
  }
}
