/**
 * The few assertions the conformance suites make, on `node:assert` so that they run under any test runner (and
 * none is needed at run time). Each takes a message that says what the contract expected; the values' diff follows it.
 */
import assert from 'node:assert/strict';
import { types } from 'node:util';

/** Fails with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  assert.ok(condition, message);
}

/** Fails with `message`, then the diff, unless `actual` deep-equals `expected` (same types, same prototypes). */
export function checkEqual(actual: unknown, expected: unknown, message: string): void {
  try {
    assert.deepStrictEqual(actual, expected);
  } catch (error) {
    if (error instanceof assert.AssertionError) error.message = `${message}\n${error.message}`;
    throw error;
  }
}

/**
 * Fails unless `value` is an Error. Errors made in another realm (jest runs each test file in a VM context of its
 * own) are not `instanceof Error` there, so native errors are recognised as such too.
 */
export function checkIsError(value: unknown, message: string): asserts value is Error {
  check(value instanceof Error || types.isNativeError(value), `${message}; got ${describeValue(value)}`);
}

/** Fails with `message` and the error's own message if the run ended with one. */
export function checkNoError(error: Error | undefined, message: string): void {
  if (error !== undefined) throw new assert.AssertionError({ message: `${message}; it ended with ${error.name}: ${error.message}`, actual: error, expected: undefined });
}

/** Resolves once `promise` rejected with an error whose message matches `pattern`; fails if it resolved. */
export async function checkRejects(promise: Promise<unknown>, pattern: RegExp, message: string): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    const text = error instanceof Error || types.isNativeError(error) ? (error as Error).message : String(error);
    check(pattern.test(text), `${message}; it rejected with "${text}", which does not match ${pattern}`);
    return;
  }
  assert.fail(`${message}; it resolved with ${describeValue(outcome)}`);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
