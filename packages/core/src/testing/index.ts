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
