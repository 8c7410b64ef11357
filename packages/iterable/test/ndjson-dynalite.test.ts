// NDJSON file → pipeNdjson → DynamoSink → dynalite, read back as raw AttributeValues.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoSink } from '@dynamo-sink/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeNdjson, type SourceFailure } from '../src/index.js';
import { makeClient, startDynalite, type TestServer } from '@dynamo-sink/test-servers';

// The AWS SDK is core's dependency, not this package's: load it from core, as core's test support does.
// Typed here with just what the test uses: raw AttributeValues, as DynamoDB returns them.
type RawItem = Record<string, { S?: string; N?: string }>;
type PaginateScan = (config: { client: unknown }, input: { TableName: string }) => AsyncIterable<{ Items?: RawItem[] }>;
const { paginateScan } = createRequire(new URL('../../core/package.json', import.meta.url))('@aws-sdk/client-dynamodb') as { paginateScan: PaginateScan };

const LINES = 5_000;
const TWENTY_DIGITS = '12345678901234567890';
const TWENTY_FIVE_DIGITS = '1234567890123456789012345';

/** The file: good records, with bad lines and exact-number lines at fixed line numbers, and a few blank lines. */
function generate(): { text: string; good: Map<string, number>; bad: Map<number, RegExp> } {
  const good = new Map<string, number>(); // id → line
  const bad = new Map<number, RegExp>(); // line → what its failure says
  const lines: string[] = [];
  for (let line = 1; line <= LINES; line++) {
    const id = `r${line}`;
    if (line % 1_000 === 7) {
      lines.push(`{"id":"${id}","v":1,oops`);
      bad.set(line, /not JSON/);
    } else if (line % 1_000 === 333) {
      lines.push('[1,2,3]');
      bad.set(line, /expected a JSON object, got an array/);
    } else if (line % 1_000 === 555) {
      lines.push(`{"id":"${id}","v":NaN}`);
      bad.set(line, /not JSON/);
    } else if (line % 1_000 === 777) {
      lines.push(`{"id":"${id}","v":1e999}`); // JSON, but beyond DynamoDB's range: the sink refuses it, naming the field
      bad.set(line, /v: .*1e999/i);
    } else if (line % 1_000 === 888) {
      lines.push(''); // blank: skipped, but it keeps its number
    } else {
      const exact = line % 250 === 1 ? `,"accountId":${TWENTY_DIGITS},"amount":${TWENTY_FIVE_DIGITS}` : '';
      lines.push(`{"id":"${id}","n":${line},"name":"record ${line}"${exact}}`);
      good.set(id, line);
    }
  }
  return { text: `${lines.join('\n')}\n`, good, bad };
}

describe('pipeNdjson into DynamoSink on dynalite', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    [server, dir] = await Promise.all([startDynalite(), mkdtemp(join(tmpdir(), 'ndjson-dynalite-'))]);
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly the good lines, numbers to the digit, and names exactly the bad lines', async () => {
    const { text, good, bad } = generate();
    const path = join(dir, 'records.ndjson');
    await writeFile(path, text);
    const client = makeClient(server.endpoint);
    const sink = new DynamoSink({ tableName: 'ndjson', partitionKey: 'id', client, createTable: true, retry: { minTimeout: 0, maxTimeout: 5 } });
    const failures: SourceFailure<unknown>[] = [];
    const commits: bigint[] = [];
    try {
      const totals = await pipeNdjson(path, sink, {
        batchSize: 100,
        onFailure: (failure) => void failures.push(failure),
        onCommit: (line) => void commits.push(line),
      });
      expect(totals).toEqual({ read: good.size + bad.size, written: good.size, failed: bad.size, committed: String(LINES) });

      const items: RawItem[] = [];
      for await (const page of paginateScan({ client }, { TableName: 'ndjson' })) items.push(...(page.Items ?? []));
      expect(items.map((item) => item.id!.S).sort()).toEqual([...good.keys()].sort());
      const exact = items.filter((item) => item.accountId);
      expect(exact).toHaveLength(20);
      for (const item of exact) {
        expect(item.accountId).toEqual({ N: TWENTY_DIGITS });
        expect(item.amount).toEqual({ N: TWENTY_FIVE_DIGITS });
      }
      const sample = items.find((item) => item.id!.S === 'r2')!;
      expect(sample).toEqual({ id: { S: 'r2' }, n: { N: '2' }, name: { S: 'record 2' } });

      expect(failures.map((failure) => Number(failure.record.offset)).sort((a, b) => a - b)).toEqual([...bad.keys()]);
      for (const failure of failures) {
        const line = Number(failure.record.offset);
        expect(failure.reason).toBe('invalid-value');
        expect(failure.error.message).toMatch(new RegExp(`^line ${line}: `));
        expect(failure.error.message).toMatch(bad.get(line)!);
      }
      expect(failures.find((failure) => failure.record.offset === '777')).toMatchObject({ field: 'v' });
      expect(commits).toEqual([...commits].sort((a, b) => (a < b ? -1 : 1)));
    } finally {
      await sink.close();
      client.destroy();
    }
  });
});
