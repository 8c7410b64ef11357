import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError, MemorySink, type SinkRecord } from '@dynamo-sink/core';
import { LosslessNumber } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvedUnexpectedly } from './support/sources.js';
import { InvalidRecord, ndjsonRecords, parseJson, PipeError, pipeNdjson, type NdjsonItem, type SourceFailure } from '../src/index.js';
import { MAX_GROUP_LINES, splitLines, type LineGroup } from '../src/ndjson/lines.js';

const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
/** A group's lines one by one, as `{ number, text }` (plus `tooLong: true` for one that was cut). */
const linesOf = ({ first, texts, tooLong }: LineGroup) =>
  texts.map((text, i) => ({ number: first + i, text, ...(tooLong?.has(i) ? { tooLong: true } : {}) }));
const collectLines = async (groups: AsyncIterable<LineGroup>) => (await collect(groups)).flatMap(linesOf);
const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('splitLines', () => {
  it('splits across chunks, mid-line and mid-character, numbering every line (empty ones too)', async () => {
    const text = 'première\r\n\n{"ünï":"cödé"}\nlast without newline';
    const encoded = bytes(text);
    // Every split point, including inside the two-byte characters.
    for (let cut = 1; cut < encoded.length; cut++) {
      const lines = await collectLines(splitLines([encoded.subarray(0, cut), encoded.subarray(cut)].values() as never, 1_000));
      expect(lines).toEqual([
        { number: 1, text: 'première' },
        { number: 2, text: '' },
        { number: 3, text: '{"ünï":"cödé"}' },
        { number: 4, text: 'last without newline' },
      ]);
    }
  });

  it('hands lines over in groups of at most MAX_GROUP_LINES, however large the chunk', async () => {
    const chunk = Array.from({ length: 2.5 * MAX_GROUP_LINES }, (_, i) => `{"n":${i + 1}}\n`).join('');
    const groups = await collect(splitLines([chunk].values() as never, 1_000));
    expect(groups.map((group) => group.texts.length)).toEqual([MAX_GROUP_LINES, MAX_GROUP_LINES, MAX_GROUP_LINES / 2]);
    expect(groups.flatMap(linesOf).map((line) => line.number)).toEqual(Array.from({ length: 2.5 * MAX_GROUP_LINES }, (_, i) => i + 1));
    expect(groups.flatMap(linesOf).map((line) => line.text)).toEqual(Array.from({ length: 2.5 * MAX_GROUP_LINES }, (_, i) => `{"n":${i + 1}}`));
  });

  it('reports a line longer than the limit without holding it, and goes on', async () => {
    const chunks = ['{"a":1}\n', 'x'.repeat(30), 'y'.repeat(30), 'z'.repeat(30), '\n{"b":2}\n'];
    const lines = await collectLines(splitLines(Readable.from(chunks), 50));
    expect(lines).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 2, text: 'x'.repeat(30) + 'y'.repeat(30), tooLong: true }, // what was held when the limit was passed; the z's never were
      { number: 3, text: '{"b":2}' },
    ]);
  });
});

describe('parseJson keeps every digit', () => {
  const cases: [string, unknown][] = [
    ['{"n":42}', { n: 42 }],
    ['{"n":-9007199254740991}', { n: -9007199254740991 }],
    ['{"n":9007199254740993}', { n: new LosslessNumber('9007199254740993') }],
    ['{"timestamp":1667844200703123,"ns":1667844200703123456}', { timestamp: 1667844200703123, ns: new LosslessNumber('1667844200703123456') }],
    ['{"deep":[[[{"n":98765432109876543210}]]]}', { deep: [[[{ n: new LosslessNumber('98765432109876543210') }]]] }],
    ['{"phone":"+4915112345678901234","n":1}', { phone: '+4915112345678901234', n: 1 }],
    ['{"id":12345678901234567890}', { id: new LosslessNumber('12345678901234567890') }],
    ['{"amount":1234567890123456789012345}', { amount: new LosslessNumber('1234567890123456789012345') }],
    ['{"x":0.1,"y":12.50,"z":-3.25e2}', { x: 0.1, y: 12.5, z: -325 }],
    ['{"x":0.1000000000000000055511151231257827}', { x: new LosslessNumber('0.1000000000000000055511151231257827') }],
    ['{"big":1e400,"tiny":1e-400}', { big: new LosslessNumber('1e400'), tiny: new LosslessNumber('1e-400') }],
    ['{"a":1,"a":2}', { a: 2 }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseJson(text)).toEqual(expected);
  });

  it('keeps `__proto__` as an own field, like JSON.parse', () => {
    const value = parseJson('{"__proto__":{"x":1},"y":1e999}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'y']);
  });
});

describe('ndjsonRecords', () => {
  const input = [
    '\ufeff{"id":"a","n":1}', // 1: byte order mark
    '', // 2: empty
    '{"id":"b","big":12345678901234567890}', // 3
    'not json at all', // 4
    '   ', // 5: blank
    '[1,2,3]', // 6
    '{"id":"c","v":NaN}', // 7
    '"a string"', // 8
    'null', // 9
    '{"id":"d"}\r', // 10: CRLF
  ].join('\n');

  it('yields a record per JSON object and an InvalidRecord naming the line for anything else', async () => {
    const items = await collect(ndjsonRecords(Readable.from([bytes(input)])));
    const shape = (item: NdjsonItem) =>
      item instanceof InvalidRecord ? { line: item.record.offset, error: item.error.message } : { line: item.offset, value: item.value };
    expect(items.map(shape)).toEqual([
      { line: '1', value: { id: 'a', n: 1 } },
      { line: '3', value: { id: 'b', big: new LosslessNumber('12345678901234567890') } },
      { line: '4', error: expect.stringMatching(/^line 4: not JSON: .*position 0/) },
      { line: '6', error: 'line 6: expected a JSON object, got an array' },
      { line: '7', error: expect.stringMatching(/^line 7: not JSON: /) },
      { line: '8', error: 'line 8: expected a JSON object, got the string "a string"' },
      { line: '9', error: 'line 9: expected a JSON object, got null' },
      { line: '10', value: { id: 'd' } },
    ]);
    const bad = items.find((item) => item instanceof InvalidRecord && item.record.offset === '4') as InvalidRecord<string>;
    expect(bad.record.value).toBe('not json at all');
    expect(bad.reason).toBe('invalid-value');
  });

  it('starts at fromLine', async () => {
    const items = await collect(ndjsonRecords(Readable.from([bytes(input)]), { fromLine: 8 }));
    expect(items.map((item) => (item instanceof InvalidRecord ? item.record.offset : item.offset))).toEqual(['8', '9', '10']);
  });

  it('starts at a fromLine deep inside a later group of lines', async () => {
    const lines = Array.from({ length: 2.5 * MAX_GROUP_LINES }, (_, i) => `{"n":${i + 1}}`).join('\n');
    const items = (await collect(ndjsonRecords(Readable.from([bytes(lines)]), { fromLine: 1234 }))) as SinkRecord<{ n: number }>[];
    expect(items.map((item) => [item.offset, item.value.n])).toEqual(Array.from({ length: 2.5 * MAX_GROUP_LINES - 1233 }, (_, i) => [String(i + 1234), i + 1234]));
  });

  it('fails a line longer than maxLineLength by its number, keeping only its start, and reads on', async () => {
    const long = `{"id":"${'x'.repeat(300)}"}`;
    const items = await collect(ndjsonRecords(Readable.from([bytes(`{"id":"a"}\n${long}\n{"id":"b"}\n`)]), { maxLineLength: 250 }));
    expect(items.map((item) => (item instanceof InvalidRecord ? [item.record.offset, item.error.message, item.record.value] : [item.offset, item.value]))).toEqual([
      ['1', { id: 'a' }],
      ['2', 'line 2: longer than 250 characters (maxLineLength)', long.slice(0, 200)],
      ['3', { id: 'b' }],
    ]);
  });

  it('reads line by line: a consumer that stops early never makes it read the whole input', async () => {
    const line = bytes(`${JSON.stringify({ id: 'x', payload: 'p'.repeat(100) })}\n`);
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += line.length * 100;
        this.push(Buffer.concat(Array(100).fill(line)));
      },
    });
    let count = 0;
    for await (const _item of ndjsonRecords(endless)) if (++count === 5_000) break;
    expect(produced).toBeLessThan(5_000 * line.length + 256 * 1024); // what was consumed plus a buffer or two
    expect(endless.destroyed).toBe(true); // stopping early closes the stream
  });

  it('checks its options when called', () => {
    expect(() => ndjsonRecords(42 as never)).toThrow(ConfigError);
    expect(() => ndjsonRecords('', {})).toThrow('Expected the NDJSON input to be a file path or a readable stream, got the string ""');
    expect(() => ndjsonRecords('x.ndjson', { fromLine: 0 })).toThrow('Expected `fromLine` to be a whole number >= 1, got number 0');
    expect(() => ndjsonRecords('x.ndjson', { maxLineLength: -5 })).toThrow('Expected `maxLineLength` to be a whole number >= 1, got number -5');
  });
});

describe('pipeNdjson', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipe-ndjson-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports line numbers to onCommit and in every failure; resumes from committed + 1', async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => (i % 500 === 499 ? '{oops' : JSON.stringify({ id: `r${i + 1}` })));
    const path = join(dir, 'resume.ndjson');
    await writeFile(path, `${lines.join('\n')}\n`);

    // First run: stopped partway, as a crash or a deploy would.
    const firstSink = new MemorySink<Record<string, unknown>>({ latencyMs: 2 });
    const controller = new AbortController();
    const failures: SourceFailure<unknown>[] = [];
    const first = await pipeNdjson(path, firstSink, {
      batchSize: 100,
      maxWritesInFlight: 2,
      signal: controller.signal,
      onFailure: (failure) => void failures.push(failure),
      onCommit: (line) => {
        if (line >= 1_200n) controller.abort();
      },
    });
    expect(Number(first.committed)).toBeGreaterThanOrEqual(1_200);
    expect(Number(first.committed)).toBeLessThan(3_000);

    // Second run: from the line after the checkpoint.
    const secondSink = new MemorySink<Record<string, unknown>>();
    const second = await pipeNdjson(path, secondSink, { fromLine: Number(first.committed) + 1, onFailure: (failure) => void failures.push(failure) });
    expect(second.committed).toBe('3000');

    const ids = new Set([...firstSink.records, ...secondSink.records].map((record) => record.value.id));
    const expected = lines.flatMap((line, i) => (line === '{oops' ? [] : [`r${i + 1}`]));
    expect([...ids].sort()).toEqual(expected.sort());
    // Every bad line is reported, naming its line (a line past the checkpoint may be reported by both runs: at least once).
    const badLines = [...new Set(failures.map((failure) => Number(failure.record.offset)))].sort((a, b) => a - b);
    expect(badLines).toEqual([500, 1000, 1500, 2000, 2500, 3000]);
    for (const failure of failures) expect(failure.error.message).toMatch(new RegExp(`^line ${failure.record.offset}: not JSON`));
  });

  it('sizes batches by the lines’ lengths, and keeps line numbers as positions whatever an untyped caller passes', async () => {
    const line = `{"id":"x"}${' '.repeat(90)}`; // 100 characters for a tiny value: the line's length is what counts
    const text = Array.from({ length: 95 }, () => line).join('\n');
    const batchSizes: number[] = [];
    const sink = new MemorySink<Record<string, unknown>>();
    const counting = { write: (records: readonly SinkRecord<Record<string, unknown>>[]) => (batchSizes.push(records.length), sink.write(records)) };
    const untyped = { maxBatchBytes: 1_000, positionOf: () => 7n, toRecord: () => ({ value: { id: 'wrong' } }) } as object;
    const totals = await pipeNdjson(Readable.from([bytes(text)]), counting, untyped);
    expect(batchSizes).toEqual([...Array(9).fill(10), 5]);
    expect(totals.committed).toBe('95');
    expect(sink.records.map((record) => record.offset)).toEqual(Array.from({ length: 95 }, (_, i) => String(i + 1)));
    expect(sink.records.every((record) => record.value.id === 'x')).toBe(true);
  });

  it('rejects with a PipeError when the file cannot be read', async () => {
    const error = await pipeNdjson(join(dir, 'missing.ndjson'), new MemorySink()).then(resolvedUnexpectedly, (caught: unknown) => caught as PipeError);
    expect(error).toBeInstanceOf(PipeError);
    expect(error.cause).toMatchObject({ code: 'ENOENT' });
    expect(error.totals).toEqual({ read: 0, written: 0, failed: 0, committed: undefined });
  });
});
