/**
 * Runs the bench's records through `pipeToSink` (@dynamo-sink/iterable) into a DynamoSink: the same records the sink
 * modes write, yielded one by one by an async generator, batched by the pipe into writes of 1,000 with its write
 * pool's default writes in flight, so that the figure is the pipe's feeding on top of the sink.
 */
import { loadExport } from './load-export.js';
import type { BenchSink, SinkInput } from './sink-runner.js';

/** What `pipeToSink` resolves to (PipeResult), declared here like the sink's API in sink-runner.ts. */
interface PipeTotals {
  readonly read: number;
  readonly written: number;
  readonly failed: number;
  /** The last position (0-based source index) every record up to which is settled, as a decimal string. */
  readonly committed: string | undefined;
}

/** The pipe's options the bench sets: records per `write`, and `write` calls at once (its write pool). */
export interface PipeFeed {
  readonly batchSize: number;
  readonly maxWritesInFlight: number;
}

type PipeToSink = (source: AsyncIterable<SinkInput>, sink: BenchSink, options: PipeFeed) => Promise<PipeTotals>;

/** `pipeToSink`, or why it could not be loaded. */
export const loadPipeToSink = () => loadExport<PipeToSink>('@dynamo-sink/iterable', 'pipeToSink');

export interface PipeRun {
  /** Pipes every record into the sink and closes it; resolves to the records written. */
  run(): Promise<number>;
  failed(): number;
  /** What the pipe's own totals say is wrong: records not read, or not all committed. Empty when all is well. */
  problems(): string[];
}

async function* oneByOne(inputs: readonly SinkInput[]): AsyncGenerator<SinkInput> {
  for (const input of inputs) yield input;
}

/** The timed part for a sink already opened: a fresh async iterable over `inputs`, piped, then close. */
export function preparePipe(pipeToSink: PipeToSink, sink: BenchSink, inputs: readonly SinkInput[], feed: PipeFeed): PipeRun {
  let totals: PipeTotals | undefined;
  return {
    failed: () => totals?.failed ?? 0,
    problems() {
      if (!totals) return [];
      const problems: string[] = [];
      if (totals.read !== inputs.length) problems.push(`pipe read ${totals.read}/${inputs.length} records`);
      const last = String(inputs.length - 1);
      if (totals.committed !== last) problems.push(`pipe committed up to position ${totals.committed ?? 'none'}/${last}`);
      return problems;
    },
    async run() {
      totals = await pipeToSink(oneByOne(inputs), sink, feed);
      // The pipe leaves the sink open (it is the caller's); the sink modes' runs close it too.
      await sink.close();
      return totals.written;
    },
  };
}
