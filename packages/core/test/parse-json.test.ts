import { isSafeNumber, LosslessNumber, parse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/testing/seeded-random.js';
import { parseJson } from '../src/json/parse-json.js';

/** The exact path alone: what parseJson must agree with. */
const exact = (text: string): unknown =>
  parse(text, null, {
    parseNumber: (digits: string) => (isSafeNumber(digits) ? Number(digits) : new LosslessNumber(digits)),
    onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue,
  });

/** Where the exact path kept a number as text but the fast path gave a double, they must be equal in value and the text short. */
function sameValue(expected: unknown, got: unknown): unknown {
  if (expected instanceof LosslessNumber && typeof got === 'number') {
    const significant = expected.value.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    expect(significant.length).toBeLessThanOrEqual(15);
    expect(Number(expected.value)).toBe(got);
    return got;
  }
  if (Array.isArray(expected)) return expected.map((value, i) => sameValue(value, (got as unknown[])[i]));
  if (expected && typeof expected === 'object' && !(expected instanceof LosslessNumber)) {
    return Object.fromEntries(Object.entries(expected).map(([key, value]) => [key, sameValue(value, (got as Record<string, unknown>)[key])]));
  }
  return expected;
}

describe('parseJson', () => {
  it.each([
    ['{"id":12345678901234567890}', '12345678901234567890'],
    ['{"id":1.0000000000000001}', '1.0000000000000001'],
    ['{"id":1e-400}', '1e-400'],
    ['{"id":0.30000000000000001}', '0.30000000000000001'],
    ['{"id":9007199254740993}', '9007199254740993'],
    ['{"id":1234567890123456e5}', '1234567890123456e5'],
    ['{"id":1e12345678901234}', '1e12345678901234'],
    ['{"id":1.5E-3000}', '1.5E-3000'],
  ])('keeps the digits of %s', (line, digits) => {
    expect(parseJson(line)).toEqual({ id: new LosslessNumber(digits) });
  });

  it('gives what the exact parser gives on 20,000 random lines', () => {
    const random = seededRandom(3);
    const digits = () => Array.from({ length: 1 + Math.floor(random() * 22) }, () => Math.floor(random() * 10)).join('').replace(/^0+(\d)/, '$1');
    const number = () => {
      switch (Math.floor(random() * 7)) {
        case 0: return digits();
        case 1: return `-${digits()}`;
        case 2: return `${digits()}.${digits()}`;
        case 3: return `${digits()}e${Math.floor(random() * 400 - 200)}`;
        case 4: return `0.${digits()}`;
        case 5: return `${digits()}E+${Math.floor(random() * 99)}`;
        default: return String(Math.floor(random() * 1e6));
      }
    };
    for (let i = 0; i < 20_000; i++) {
      const line = `{"a":${number()},"b":[${number()},"${digits()}"],"t":${1e15 + Math.floor(random() * 7.9e15)},"s":"value123e456"}`;
      const got = parseJson(line);
      expect(got).toEqual(sameValue(exact(line), got));
    }
  });
});
