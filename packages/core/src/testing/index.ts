/**
 * `@dynamo-sink/core/testing`: what you need to test code that uses a sink, with no network and no particular test
 * runner (nothing here imports one): a fake DynamoDB client, scripted and in-memory sinks, and the conformance suites,
 * which take your runner's `describe` and `it`.
 */
export {
  FakeDynamoDB,
  type FakeDynamoDBOptions,
  type FakeDynamoDBSettings,
  type FakeDynamoDBStats,
  type FakeErrorName,
  type FakeOperation,
  type FakeWriteOperation,
  type FakeKeyAttribute,
  type ScriptedFault,
  type CommandOutputOf,
} from './fake-dynamodb.js';
export { MemorySink, type MemorySinkOptions } from '../memory-sink.js';
export { ScriptedSink, type SinkScript, type RecordMatcher, type ScriptedCall, type ScriptedOutcome } from './scripted-sink.js';
export type { TestRunner } from './test-runner.js';
export { seededRandom } from './seeded-random.js';
export { testSink, type SinkSuiteOptions, type SinkUnderTest } from './sink-suite.js';
export {
  testAdapter,
  type AdapterSuiteOptions,
  type AdapterHarness,
  type AdapterRunInput,
  type AdapterRunResult,
  type AdapterDeadLetter,
  type MessagePlace,
} from './adapter-suite.js';
