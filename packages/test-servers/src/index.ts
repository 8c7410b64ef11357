/**
 * `@dynamo-sink/test-servers`: DynamoDB-compatible servers for the workspace's integration tests (dynalite, DynamoDB
 * Local, a fault-injecting proxy), reading a table back, and waiting for a condition. Nothing here loads kafkajs or a
 * test runner: the Kafka side is `@dynamo-sink/test-servers/kafka`, the scenarios `/kafka-scenarios`.
 */
export * from './servers.js';
export { delayed, scanTable, type RawItem } from './dynamo-table.js';
export { freePort } from './free-port.js';
export { Sha256 } from './sha256.js';
export { waitUntil } from './wait-until.js';
export { waitUntilAnswering } from './wait-until-ready.js';
export { FAULT_KINDS, faultSequence } from './fault-plan.js';
export type { IssuedCredentials } from './faulty-endpoint.js';
