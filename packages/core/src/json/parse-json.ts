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

const LONG_RUN = /[\d.]{16,}/g;
const LONG_EXPONENT = /\d[eE][+-]?\d{3}/;

function mayLoseDigits(text: string): boolean {
  if (LONG_EXPONENT.test(text)) return true;
  LONG_RUN.lastIndex = 0;
  for (let match = LONG_RUN.exec(text); match; match = LONG_RUN.exec(text)) {
    const run = match[0];
    const next = text[match.index + run.length];
    // Safe only as a plain 16-digit integer from 1e15 to 8.99e15, which a double holds exactly (2^53 is 9.007e15).
    if (run.length > 16 || run.includes('.') || run[0]! < '1' || run[0]! > '8' || next === 'e' || next === 'E') return true;
  }
  return false;
}

function parseNumber(text: string): number | LosslessNumber {
  return isSafeNumber(text) ? Number(text) : new LosslessNumber(text);
}

const LOSSLESS = {
  parseNumber,
  onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue,
};
