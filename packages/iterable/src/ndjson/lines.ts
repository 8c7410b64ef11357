import { StringDecoder } from 'node:string_decoder';

/** One line of text, numbered from 1 (empty lines count). */
export type Line =
  | { readonly number: number; readonly text: string; readonly tooLong?: undefined }
  /** A line longer than the limit: only its start is kept, the rest was skipped without being held in memory. */
  | { readonly number: number; readonly text: string; readonly tooLong: true };

/** How much of an over-long line is kept, to show in its failure. */
const TOO_LONG_PREFIX = 200;

/** Lines per yield, at most: what is held at once however large a chunk is. */
export const MAX_GROUP_LINES = 1000;

/**
 * Splits a stream of UTF-8 bytes (or strings) into lines on `\n`, dropping a `\r` before it. Yields the lines as
 * they are completed, in arrays of up to MAX_GROUP_LINES (none for a chunk inside a line): a yield per group rather
 * than per line keeps the cost of async iteration off every line. A line longer than `maxLineLength` characters is
 * not accumulated but reported as too long.
 */
export async function* splitLines(chunks: AsyncIterable<string | Uint8Array>, maxLineLength: number): AsyncGenerator<Line[]> {
  const decoder = new StringDecoder('utf8');
  let number = 0;
  let carry = '';
  let overflow = false; // the current line passed maxLineLength: skip to its end
  const finish = (rest: string): Line => {
    number++;
    if (overflow) {
      overflow = false;
      return { number, text: carry, tooLong: true };
    }
    const text = carry + rest;
    if (text.length > maxLineLength) return { number, text: text.slice(0, TOO_LONG_PREFIX), tooLong: true };
    return { number, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let lines: Line[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lines.push(finish(text.slice(start, end)));
      carry = '';
      start = end + 1;
      if (lines.length === MAX_GROUP_LINES) {
        yield lines;
        lines = [];
      }
    }
    if (start < text.length && !overflow) {
      carry += text.slice(start);
      if (carry.length > maxLineLength) {
        overflow = true;
        carry = carry.slice(0, TOO_LONG_PREFIX);
      }
    }
    if (lines.length > 0) yield lines;
  }
  const rest = decoder.end();
  if (carry.length > 0 || rest.length > 0 || overflow) yield [finish(rest)];
}
