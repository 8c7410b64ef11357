import { StringDecoder } from 'node:string_decoder';

/**
 * Consecutive lines read at once: `texts[i]` is line `first + i` (numbered from 1; empty lines count). Plain strings
 * rather than an object per line: NDJSON is read a hundred thousand lines at a time.
 */
export interface LineGroup {
  readonly first: number;
  readonly texts: string[];
  /** Indexes in `texts` of lines longer than the limit, of which only the start was kept (rare: usually undefined). */
  readonly tooLong: Set<number> | undefined;
}

/** How much of an over-long line is kept, to show in its failure. */
const TOO_LONG_PREFIX = 200;

/** Lines per yield, at most: what is held at once however large a chunk is. */
export const MAX_GROUP_LINES = 1000;

/**
 * Splits a stream of UTF-8 bytes (or strings) into lines on `\n`, dropping a `\r` before it. Yields the lines as
 * they are completed, in groups of up to MAX_GROUP_LINES (none for a chunk inside a line): a yield per group rather
 * than per line keeps the cost of async iteration off every line. A line longer than `maxLineLength` characters is
 * not accumulated but reported as too long.
 */
export async function* splitLines(chunks: AsyncIterable<string | Uint8Array>, maxLineLength: number): AsyncGenerator<LineGroup> {
  const decoder = new StringDecoder('utf8');
  // The group being filled.
  let first = 1;
  let texts: string[] = [];
  let tooLong: Set<number> | undefined;
  let carry = '';
  let overflow = false; // the current line passed maxLineLength: skip to its end
  const finish = (rest: string): void => {
    let text = overflow ? carry : carry + rest;
    if (overflow || text.length > maxLineLength) {
      if (!overflow) text = text.slice(0, TOO_LONG_PREFIX);
      overflow = false;
      (tooLong ??= new Set()).add(texts.length);
    } else if (text.endsWith('\r')) text = text.slice(0, -1);
    carry = '';
    texts.push(text);
  };
  const handOver = (): LineGroup => {
    const group = { first, texts, tooLong };
    first += texts.length;
    texts = [];
    tooLong = undefined;
    return group;
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      finish(text.slice(start, end));
      start = end + 1;
      if (texts.length === MAX_GROUP_LINES) yield handOver();
    }
    if (start < text.length && !overflow) {
      carry += text.slice(start);
      if (carry.length > maxLineLength) {
        overflow = true;
        carry = carry.slice(0, TOO_LONG_PREFIX);
      }
    }
    if (texts.length > 0) yield handOver();
  }
  const rest = decoder.end();
  if (carry.length > 0 || rest.length > 0 || overflow) finish(rest);
  if (texts.length > 0) yield handOver();
}
