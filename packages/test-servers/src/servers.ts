/**
 * Real DynamoDB-compatible servers for integration tests, and a fault-injecting proxy to put in front of them.
 *
 * - {@link startDynalite}: dynalite in this process; starts in milliseconds.
 * - {@link startDynamoDBLocal}: AWS's DynamoDB Local 3.3 as a Java child process; starts in 1-3 s.
 * - {@link startFaultyEndpoint}: scripted or seeded-random faults on BatchWriteItem, everything else untouched.
 * - {@link makeClient}: an SDK client for any of them, with SDK retries off.
 */
export { startDynalite, type DynaliteServerOptions } from './dynalite-server.js';
export { startDynamoDBLocal, type DynamoDBLocalOptions, type DynamoDBLocalServer } from './dynamodb-local.js';
export {
  startFaultyEndpoint,
  type Fault,
  type FaultKind,
  type FaultPlan,
  type FaultyEndpoint,
  type FaultyEndpointOptions,
  type FaultyEndpointStats,
  type ThrottleErrorName,
} from './faulty-endpoint.js';
export { makeClient, type TestServer } from './test-server.js';
