/**
 * `@dynamo-sink/test-servers/adapter-harness`: what the Kafka adapters' unit tests drive their consumers with, over
 * fake clients: a sink scripted call by call, a run until everything is committed, and waiting for a condition. No
 * servers, no Kafka client.
 */
export { ScriptedSink, deferred, type WriteStep } from './scripted-sink.js';
export { runUntilCommitted } from './run-until-committed.js';
export { waitUntil } from './wait-until.js';
