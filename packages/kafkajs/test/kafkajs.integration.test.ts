/**
 * KafkaSinkConsumer against a real Kafka-protocol broker (librdkafka's mock cluster, hosted by kcat) writing into
 * DynamoSink on dynalite: the scenarios shared with @dynamo-sink/node-rdkafka.
 */
import { testKafkaIntegration } from '@dynamo-sink/test-servers/kafka-scenarios';
import { kafkajsLauncher } from './support/launcher.js';

testKafkaIntegration(kafkajsLauncher);
