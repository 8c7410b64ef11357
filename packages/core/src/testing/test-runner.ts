/**
 * The two functions of your test runner that the conformance suites (`testSink`, `testAdapter`) declare their tests
 * with. vitest's, jest's and `node:test`'s `describe` and `it` all fit as they are; the suites bring their own
 * assertions (`node:assert`), so no `expect` is needed.
 *
 * @example
 * import { describe, it } from 'vitest';          // or from '@jest/globals', or from 'node:test'
 * testSink({ runner: { describe, it }, name: 'MySink', create, record });
 */
export interface TestRunner {
  /** Groups tests: called once per suite, with a body that declares the tests synchronously. */
  readonly describe: (name: string, body: () => void) => unknown;
  /**
   * Declares one test. The suites' tests take no arguments and return a promise; each finishes in well under a
   * second on an in-memory sink. To give a slow sink (one on a network) more time than the runner's default, wrap it:
   * `it: (name, test) => it(name, test, 30_000)` (vitest, jest) or `it: (name, test) => it(name, { timeout: 30_000 }, test)` (`node:test`).
   */
  readonly it: (name: string, test: () => Promise<void>) => unknown;
}

/** The runner from a suite's options, checked: a JavaScript caller that forgot it gets told how to pass it. */
export function requireRunner(runner: TestRunner | undefined, suite: string): TestRunner {
  if (typeof runner?.describe !== 'function' || typeof runner.it !== 'function') {
    throw new TypeError(
      `${suite} needs your test runner's describe and it: pass \`runner: { describe, it }\`, imported from 'vitest', '@jest/globals' or 'node:test'`,
    );
  }
  return runner;
}
