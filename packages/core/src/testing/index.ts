export {
  FakeDynamoDB,
  type FakeDynamoDBOptions,
  type FakeDynamoDBSettings,
  type FakeDynamoDBStats,
  type FakeErrorName,
  type FakeOperation,
  type FakeKeyAttribute,
  type ScriptedFault,
  type CommandOutputOf,
} from './fake-dynamodb.js';
export { testSink, type SinkSuiteOptions, type SinkUnderTest } from './sink-suite.js';
export { ScriptedSink, type SinkScript, type RecordMatcher, type ScriptedCall, type ScriptedOutcome } from './scripted-sink.js';
export {
  testAdapter,
  type AdapterSuiteOptions,
  type AdapterHarness,
  type AdapterRunInput,
  type AdapterRunResult,
  type AdapterDeadLetter,
  type MessagePlace,
} from './adapter-suite.js';
