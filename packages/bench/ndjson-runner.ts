/**
 * Runs the bench's records through `pipeNdjson` (@dynamo-sink/iterable) into a DynamoSink: the same records as
 * NDJSON lines, held in memory and fed as a stream of 64 KiB byte chunks, as a file or stdin would deliver them,
 * so that the figure is splitting + parsing + piping on top of the sink, and no disk.
 */
import { Readable } from 'node:stream';
import { loadExport } from './load-export.js';
import type { BenchSink } from './sink-runner.js';
import type { BenchRecord } from './workload.js';

/** What `pipeNdjson` resolves to (PipeResult), declared here like the sink's API in sink-runner.ts. */
interface NdjsonTotals {
  readonly read: number;
  readonly written: number;
  readonly failed: number;
  /** The last line number every line up to which is settled, as a decimal string. */
  readonly committed: string | undefined;
}

/** The slice of @dynamo-sink/iterable the bench uses. Options: the defaults, as users run it. */
type PipeNdjson = (input: NodeJS.ReadableStream | AsyncIterable<string | Uint8Array>, sink: BenchSink) => Promise<NdjsonTotals>;

/** `pipeNdjson`, or why it could not be loaded. */
export const loadPipeNdjson = () => loadExport<PipeNdjson>('@dynamo-sink/iterable', 'pipeNdjson');

/** fs.createReadStream's default chunk size. */
export const NDJSON_CHUNK_BYTES = 64 * 1024;

/**
 * The records as NDJSON (one `JSON.stringify` line each, `\n`-terminated), cut every `chunkBytes` bytes regardless of
 * line ends, as a file read cuts them: lines straddle chunks. Views of one buffer, no copies.
 */
export function ndjsonChunks(records: readonly BenchRecord[], chunkBytes = NDJSON_CHUNK_BYTES): Buffer[] {
  const bytes = Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes));
  return chunks;
}

export interface NdjsonRun {
  /** Pipes every line into the sink and closes it; resolves to the records written. */
  run(): Promise<number>;
  failed(): number;
  /** What the pipe's own totals say is wrong: lines not read, or not all committed. Empty when all is well. */
  problems(): string[];
}

/** The timed part for a sink already opened: a fresh stream over `chunks`, piped with default options, then close. */
export function prepareNdjson(pipeNdjson: PipeNdjson, sink: BenchSink, chunks: readonly Buffer[], lines: number): NdjsonRun {
  let totals: NdjsonTotals | undefined;
  return {
    failed: () => totals?.failed ?? 0,
    problems() {
      if (!totals) return [];
      const problems: string[] = [];
      if (totals.read !== lines) problems.push(`pipe read ${totals.read}/${lines} lines`);
      if (totals.committed !== String(lines)) problems.push(`pipe committed up to line ${totals.committed ?? 'none'}/${lines}`);
      return problems;
    },
    async run() {
      // objectMode (Readable.from's default) hands each Buffer over as it is, one chunk per read.
      totals = await pipeNdjson(Readable.from(chunks), sink);
      // The pipe leaves the sink open (it is the caller's); the sink mode's run closes it too.
      await sink.close();
      return totals.written;
    },
  };
}
