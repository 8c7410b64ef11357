// NDJSON file → DynamoDB, on an embedded DynamoDB (dynalite).
//   node --import tsx examples/ndjson-file/index.ts [file.ndjson] [--partition-key id] [--sort-key 'at|%Y-%m-%d']
// Without a file it writes a sample (50,000 lines, a few bad ones, 20- and 25-digit numbers) and pipes that.
// Ctrl-C stops it gracefully: writes in flight finish and it prints the line to resume from.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // the SDK's Node 20 notice is not the example's business

import { DynamoSink } from '@dynamo-sink/core';
import { pipeNdjson, type SourceFailure } from '@dynamo-sink/iterable';
import dynalite from 'dynalite';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const SAMPLE_LINES = 50_000;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'partition-key': { type: 'string', default: 'id' }, 'sort-key': { type: 'string' } },
  });
  const file = positionals[0] ?? (await writeSample());

  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`Embedded DynamoDB (dynalite) on ${endpoint}`);

  const sink = new DynamoSink({
    tableName: 'ndjson-example',
    partitionKey: values['partition-key'],
    ...(values['sort-key'] ? { sortKey: values['sort-key'] } : {}),
    clientConfig: { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'example', secretAccessKey: 'example' } },
    createTable: true,
  });
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());

  const failures: SourceFailure<unknown>[] = [];
  const progress = new Progress();
  console.log(`Piping ${file}`);
  try {
    const totals = await pipeNdjson(file, sink, {
      signal: stop.signal,
      onFailure: (failure) => void failures.push(failure), // a real service would send these to a dead-letter store
      onCommit: (line) => progress.update(line), // and persist this checkpoint
    });
    progress.done();
    const seconds = progress.elapsedSeconds();
    console.log(
      `\n${stop.signal.aborted ? 'Stopped' : 'Done'} in ${seconds.toFixed(1)} s: ${totals.read.toLocaleString('en-US')} lines read, ` +
        `${totals.written.toLocaleString('en-US')} written (${Math.round(totals.written / seconds).toLocaleString('en-US')}/s), ${totals.failed} failed.`,
    );
    if (stop.signal.aborted) console.log(`Everything up to line ${totals.committed ?? 0} is settled: resume with fromLine ${Number(totals.committed ?? 0) + 1}.`);
    for (const failure of failures.slice(0, 10)) console.log(`  ${failure.reason}: ${failure.error.message}`);
    if (failures.length > 10) console.log(`  ... and ${failures.length - 10} more`);
  } finally {
    await sink.close();
    server.closeAllConnections();
    server.close();
  }
}

/** A sample file: ids, µs timestamps, a 20-digit account id and a 25-digit amount now and then, and some bad lines. */
async function writeSample(): Promise<string> {
  const path = join(tmpdir(), `dynamo-sink-sample-${process.pid}.ndjson`);
  const start = Date.UTC(2022, 10, 7) * 1000;
  const lines: string[] = [];
  for (let line = 1; line <= SAMPLE_LINES; line++) {
    if (line % 10_000 === 4_321) lines.push('{"id": "broken", "reading": 12,'); // not JSON
    else if (line % 10_000 === 8_765) lines.push('["an", "array"]'); // not an object
    else if (line % 5_000 === 1) lines.push(`{"id":"r${line}","timestamp":${start + line},"accountId":12345678901234567890,"amount":1234567890123456789012345.5}`);
    else lines.push(`{"id":"r${line}","timestamp":${start + line},"device":"device-${line % 50}","reading":${line % 997}}`);
  }
  await writeFile(path, `${lines.join('\n')}\n`);
  console.log(`Wrote a sample of ${SAMPLE_LINES.toLocaleString('en-US')} lines to ${path}`);
  return path;
}

/** One line of progress: redrawn in place on a terminal, a line every 10,000 lines otherwise. */
class Progress {
  private readonly started = performance.now();
  private readonly tty = Boolean(process.stdout.isTTY);
  private lastDraw = 0;
  private lastLine = 0n;

  update(line: bigint): void {
    const now = performance.now();
    if (this.tty ? now - this.lastDraw < 100 : line / 10_000n === this.lastLine / 10_000n) return;
    this.lastDraw = now;
    this.lastLine = line;
    const rate = Number(line) / Math.max(0.001, this.elapsedSeconds());
    const text = `committed up to line ${line.toLocaleString('en-US')}  ${Math.round(rate).toLocaleString('en-US')} lines/s`;
    if (this.tty) process.stdout.write(`\r${text}`);
    else console.log(text);
  }

  done(): void {
    if (this.tty) process.stdout.write('\n');
  }

  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}

await main();
