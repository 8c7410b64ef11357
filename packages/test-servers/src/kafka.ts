/**
 * `@dynamo-sink/test-servers/kafka`: librdkafka's mock Kafka cluster (hosted by Debian's `kcat`) with a kafkajs
 * producer and admin, and the generated workloads (good and bad messages) the adapters' tests produce into it.
 */
export { startKafkaMock, kafkajsLogLevel, type KafkaMock, type KafkaMockOptions } from './kafka-mock.js';
export { workload, tableDifferences, bigOf, REASON_OF, type BadKind, type Workload, type WorkloadOptions } from './workload.js';
