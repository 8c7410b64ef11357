import { isSafeNumber, LosslessNumber, parse } from 'lossless-json';

/**
 * Parses JSON keeping every digit of every number.
 *
 * A number stays a JS number when the double reads back as the same decimal value (safe integers such as a
 * microsecond timestamp, and decimals such as 0.1 or 12.50 whose significant digits survive): the common case
 * stays plain and cheap downstream. Anything else (a 20-digit id, a 25-digit amount, 1e-400) becomes a
 * `LosslessNumber` holding the text as it was, which the core marshaller writes to DynamoDB digit for digit, or
 * refuses (beyond DynamoDB's range) naming the field.
 *
 * Duplicate keys: the last one wins, as with JSON.parse (lossless-json would throw).
 */
export function parseJson(text: string): unknown {
  // lossless-json costs ~3x JSON.parse, which is most of what NDJSON adds to a record's cost. JSON.parse gives the
  // same result whenever every number survives a double: at most 15 significant digits and a one- or two-digit
  // exponent, or a 16-digit integer below 9e15 (a microsecond timestamp). The test is conservative; text inside
  // strings can only send a line down the exact path. (One difference remains: lossless-json keeps some exponent
  // forms such as 57863664987e70 as text where JSON.parse gives the equal double; DynamoDB stores both alike.)
  if (!mayLoseDigits(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON: lossless-json below throws with its own (better located) message.
    }
  }
  return parse(text, null, LOSSLESS);
}

/**
 * Sixteen digits or dots in a row, or an exponent of three or more digits. The run is spelled out as sixteen
 * classes, not `[\d.]{16,}`: a fixed-length pattern lets the regex engine skip ahead through the text, where a
 * counted repeat retries from every digit of every shorter number (5x slower on typical lines).
 */
const RISKY = new RegExp(`${'[\\d.]'.repeat(16)}|\\d[eE][+-]?\\d{3}`, 'g');

function mayLoseDigits(text: string): boolean {
  // `test`, not `exec`: no match object per line. A run's match is its first sixteen characters; an exponent's
  // match ends three digits after its `e` or sign.
  RISKY.lastIndex = 0;
  while (RISKY.test(text)) {
    const end = RISKY.lastIndex;
    if (!isRunChar(text.charCodeAt(end - 4))) return true; // an exponent: beyond a double's range, or near its edge
    const start = end - 16;
    const next = text.charCodeAt(end);
    if (isRunChar(next) || (start > 0 && isRunChar(text.charCodeAt(start - 1)))) return true; // a run longer than 16
    // Safe only as a plain 16-digit integer from 1e15 to 8.99e15, which a double holds exactly (2^53 is 9.007e15).
    const first = text.charCodeAt(start);
    if (first < DIGIT_1 || first > DIGIT_8 || next === LOWER_E || next === UPPER_E) return true;
    const dot = text.indexOf('.', start);
    if (dot !== -1 && dot < end) return true;
  }
  return false;
}

const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_8 = 0x38;
const DIGIT_9 = 0x39;
const UPPER_E = 0x45;
const LOWER_E = 0x65;

function isRunChar(code: number): boolean {
  return code === DOT || (code >= DIGIT_0 && code <= DIGIT_9);
}

function parseNumber(text: string): number | LosslessNumber {
  return isSafeNumber(text) ? Number(text) : new LosslessNumber(text);
}

const LOSSLESS = {
  parseNumber,
  onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue,
};
